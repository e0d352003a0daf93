/**
 * The session when Clerk signs people in: the same `AuthContext` the local provider
 * fills, over a `ClerkSession`. The api client's bearer token is Clerk's session token,
 * kept in memory like the local one and renewed from Clerk when it is missing or refused.
 */
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiClient } from "../../api/client";
import { toProblemError } from "../../api/problem";
import { type AuthContextValue, type AuthState, AuthContext, type ExternalSignIn } from "../auth-context";
import { createTokenStore } from "../token-store";
import { type ClerkSession, renewWithClerk } from "./clerk-session";

interface ClerkAuthProviderProps {
  session: ClerkSession;
  /** Clerk's own sign-in and sign-up components. */
  signInView: ExternalSignIn;
  children: ReactNode;
  /** Tests pass a fake fetch; the app uses the browser's. */
  fetch?: typeof fetch;
}

function refusedByClerk(): Promise<never> {
  return Promise.reject(new Error("Clerk signs people in with its own form."));
}

export function ClerkAuthProvider({ session, signInView, children, fetch }: ClerkAuthProviderProps) {
  const current = useRef(session);
  current.current = session;
  const [api] = useState(
    () => new ApiClient({ tokens: createTokenStore(), renew: renewWithClerk(() => current.current), ...(fetch ? { fetch } : {}) }),
  );
  const [state, setState] = useState<AuthState>({ status: "restoring" });
  const [attempt, setAttempt] = useState(0);

  useEffect(
    () =>
      api.subscribe((event) => {
        if (event.type === "refreshed") setState({ status: "signed-in", user: event.grant.user });
        else setState({ status: "signed-out", expired: true });
      }),
    [api],
  );

  useEffect(() => {
    if (!session.loaded) {
      setState({ status: "restoring" });
      return;
    }
    if (!session.signedIn) {
      api.endSession();
      setState({ status: "signed-out", expired: false });
      return;
    }
    let cancelled = false;
    api.refresh().catch((error: unknown) => {
      if (cancelled) return;
      const problem = toProblemError(error);
      if (problem.status === 401) setState({ status: "signed-out", expired: false });
      else setState({ status: "unavailable", problem });
    });
    return () => {
      cancelled = true;
    };
  }, [api, session.loaded, session.signedIn, attempt]);

  const signOut = useCallback(() => {
    api.endSession();
    setState({ status: "signed-out", expired: false });
    void current.current.signOut();
  }, [api]);

  const retryRestore = useCallback(() => {
    setState({ status: "restoring" });
    setAttempt((value) => value + 1);
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      provider: "clerk",
      externalSignIn: signInView,
      user: state.status === "signed-in" ? state.user : null,
      api,
      signIn: refusedByClerk,
      signUp: refusedByClerk,
      signOut,
      retryRestore,
    }),
    [state, signInView, api, signOut, retryRestore],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
