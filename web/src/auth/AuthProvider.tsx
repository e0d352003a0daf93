import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { ApiClient } from "../api/client";
import { toProblemError } from "../api/problem";
import type { LoginRequest, SignupRequest } from "../api/types";
import { AuthContext, type AuthContextValue, type AuthState } from "./auth-context";
import { login, signup } from "./auth-api";
import { createTokenStore } from "./token-store";

/** Tabs of the app tell each other about a sign-out here (no token ever goes through). */
export const SESSION_CHANNEL = "multistream.session";

function createBrowserClient(): ApiClient {
  return new ApiClient({ tokens: createTokenStore() });
}

interface AuthProviderProps {
  children: ReactNode;
  /** Tests pass a client over a fake fetch; the app uses the browser's. */
  client?: ApiClient;
}

export function AuthProvider({ children, client }: AuthProviderProps) {
  const [api] = useState(() => client ?? createBrowserClient());
  // Whether a session exists is the HttpOnly cookie's secret: every page load asks.
  const [state, setState] = useState<AuthState>({ status: "restoring" });
  const [restoreAttempt, setRestoreAttempt] = useState(0);
  const channel = useRef<BroadcastChannel | null>(null);

  useEffect(
    () =>
      api.subscribe((event) => {
        if (event.type === "refreshed") setState({ status: "signed-in", user: event.grant.user });
        else setState({ status: "signed-out", expired: true });
      }),
    [api],
  );

  // A page load resumes the session without a password: the browser sends the refresh
  // cookie (if there is one) to `/auth/local/refresh`.
  useEffect(() => {
    if (state.status !== "restoring") return;
    let cancelled = false;
    api.refresh().catch((error: unknown) => {
      if (cancelled) return;
      const problem = toProblemError(error);
      // No cookie, or one the server refused: a visitor to sign in, not an expiry.
      if (problem.status === 401) setState({ status: "signed-out", expired: false });
      else setState({ status: "unavailable", problem });
    });
    return () => {
      cancelled = true;
    };
    // Runs on mount and when the user asks to retry, not on every state change.
  }, [api, restoreAttempt]);

  // Signing out in one tab signs out the others (the app's own tabs, not tests' clients).
  useEffect(() => {
    if (client !== undefined || typeof BroadcastChannel === "undefined") return;
    const tabs = new BroadcastChannel(SESSION_CHANNEL);
    tabs.onmessage = (event: MessageEvent) => {
      if (event.data !== "signed-out") return;
      api.endSession();
      setState({ status: "signed-out", expired: false });
    };
    channel.current = tabs;
    return () => {
      channel.current = null;
      tabs.close();
    };
  }, [api, client]);

  const signIn = useCallback(
    async (credentials: LoginRequest) => {
      const grant = await login(api, credentials);
      api.startSession(grant);
      setState({ status: "signed-in", user: grant.user });
    },
    [api],
  );

  const signUp = useCallback(
    async (account: SignupRequest) => {
      const grant = await signup(api, account);
      api.startSession(grant);
      setState({ status: "signed-in", user: grant.user });
    },
    [api],
  );

  const signOut = useCallback(() => {
    // The server revokes the sign-in and clears the cookie; this tab forgets at once.
    void api.logout();
    channel.current?.postMessage("signed-out");
    setState({ status: "signed-out", expired: false });
  }, [api]);

  const retryRestore = useCallback(() => {
    setState({ status: "restoring" });
    setRestoreAttempt((attempt) => attempt + 1);
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      provider: "local",
      externalSignIn: null,
      user: state.status === "signed-in" ? state.user : null,
      api,
      signIn,
      signUp,
      signOut,
      retryRestore,
    }),
    [state, api, signIn, signUp, signOut, retryRestore],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
