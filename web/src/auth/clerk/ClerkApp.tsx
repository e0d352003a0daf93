/**
 * Sign-in with Clerk's React SDK (`@clerk/clerk-react`, pinned in package.json). This
 * module is its own chunk, loaded only when the api says Clerk is configured
 * (`GET /auth/config`); the SDK then loads Clerk's frontend from the instance's domain
 * (the CSP allows that origin only then). Local installs never load either.
 */
import { ClerkProvider, SignIn, SignUp, useAuth as useClerkAuth } from "@clerk/clerk-react";
import { type ReactNode, useMemo } from "react";
import type { ExternalSignIn } from "../auth-context";
import { ClerkAuthProvider } from "./ClerkAuthProvider";
import type { ClerkSession } from "./clerk-session";

const ClerkSignInView: ExternalSignIn = ({ mode }) => (
  <main className="auth-layout">{mode === "sign-up" ? <SignUp routing="hash" /> : <SignIn routing="hash" />}</main>
);

/** Adapts Clerk's `useAuth()` to `ClerkSession`. */
function ClerkBridge({ children }: { children: ReactNode }) {
  const { isLoaded, isSignedIn, getToken, signOut } = useClerkAuth();
  const session = useMemo<ClerkSession>(
    () => ({
      loaded: isLoaded,
      signedIn: isSignedIn === true,
      getToken: () => getToken(),
      signOut: () => signOut(),
    }),
    [isLoaded, isSignedIn, getToken, signOut],
  );
  return (
    <ClerkAuthProvider session={session} signInView={ClerkSignInView}>
      {children}
    </ClerkAuthProvider>
  );
}

export default function ClerkApp({ publishableKey, children }: { publishableKey: string; children: ReactNode }) {
  return (
    <ClerkProvider publishableKey={publishableKey} afterSignOutUrl="/signin">
      <ClerkBridge>{children}</ClerkBridge>
    </ClerkProvider>
  );
}
