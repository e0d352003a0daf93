/** A stand-in for Clerk's SDK, for unit tests only: tokens and sign-out the test controls. */
import type { ClerkSession } from "../clerk-session";

export class FakeClerkSession implements ClerkSession {
  loaded = true;
  signedIn = true;
  signOuts = 0;
  private issued = 0;

  async getToken(): Promise<string | null> {
    if (!this.signedIn) return null;
    this.issued += 1;
    return `clerk-token-${this.issued}`;
  }

  async signOut(): Promise<void> {
    this.signOuts += 1;
    this.signedIn = false;
  }
}
