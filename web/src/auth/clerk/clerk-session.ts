/**
 * What the app needs from Clerk's React SDK, as a small interface: whether Clerk has
 * loaded and someone is signed in, their session token, and signing out. `ClerkApp`
 * adapts `@clerk/clerk-react`'s `useAuth()` to it; unit tests use `FakeClerkSession`.
 */
import type { ApiClient, RenewAccess } from "../../api/client";
import { ProblemError } from "../../api/problem";
import type { AccessGrant } from "../../api/types";
import { tokenExpiry } from "../../events/frames";

export interface ClerkSession {
  loaded: boolean;
  signedIn: boolean;
  /** A current session token (Clerk refreshes it in the background), or null when signed out. */
  getToken(): Promise<string | null>;
  signOut(): Promise<void>;
}

/**
 * The api client's renewal under Clerk: Clerk's session token is the bearer token (the
 * api verifies it against Clerk's JWKS), and `/api/v1/me` says who it is.
 */
export function renewWithClerk(session: () => ClerkSession, now: () => number = Date.now): RenewAccess {
  return async (client: ApiClient): Promise<AccessGrant> => {
    const token = await session().getToken();
    if (token === null) {
      throw new ProblemError({
        type: "unauthenticated",
        title: "Signed out",
        status: 401,
        detail: "Sign in to continue.",
      });
    }
    const user = await client.GET("/api/v1/me", { auth: false, headers: { Authorization: `Bearer ${token}` } });
    const expiresAt = tokenExpiry(token);
    const expiresIn = expiresAt === null ? 60 : Math.max(0, Math.floor((expiresAt - now()) / 1000));
    return { access_token: token, token_type: "Bearer", expires_in: expiresIn, user };
  };
}
