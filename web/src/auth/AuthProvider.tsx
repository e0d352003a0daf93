import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { ApiClient } from "../api/client";
import { toProblemError } from "../api/problem";
import type { LoginRequest, SignupRequest } from "../api/types";
import { AuthContext, type AuthContextValue, type AuthState } from "./auth-context";
import { login, signup } from "./auth-api";
import { REFRESH_TOKEN_KEY, browserStorage, createTokenStore } from "./token-store";

function createBrowserClient(): ApiClient {
  return new ApiClient({ tokens: createTokenStore(browserStorage()) });
}

interface AuthProviderProps {
  children: ReactNode;
  /** Tests pass a client over a fake fetch; the app uses the browser's. */
  client?: ApiClient;
}

export function AuthProvider({ children, client }: AuthProviderProps) {
  const [api] = useState(() => client ?? createBrowserClient());
  const [state, setState] = useState<AuthState>(() =>
    api.hasStoredSession() ? { status: "restoring" } : { status: "signed-out", expired: false },
  );
  const [restoreAttempt, setRestoreAttempt] = useState(0);

  useEffect(
    () =>
      api.subscribe((event) => {
        if (event.type === "refreshed") setState({ status: "signed-in", user: event.pair.user });
        else setState({ status: "signed-out", expired: true });
      }),
    [api],
  );

  // A page load with a stored refresh token resumes the session without a password.
  useEffect(() => {
    if (state.status !== "restoring") return;
    let cancelled = false;
    api.refresh().catch((error: unknown) => {
      if (cancelled) return;
      const problem = toProblemError(error);
      // A refused token already produced `signed-out` through the subscription.
      if (problem.status !== 401) setState({ status: "unavailable", problem });
    });
    return () => {
      cancelled = true;
    };
    // Runs on mount and when the user asks to retry, not on every state change.
  }, [api, restoreAttempt]);

  // Signing out in one tab signs out the others.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === REFRESH_TOKEN_KEY && event.newValue === null) {
        api.endSession();
        setState({ status: "signed-out", expired: false });
      }
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [api]);

  const signIn = useCallback(
    async (credentials: LoginRequest) => {
      const pair = await login(api, credentials);
      api.startSession(pair);
      setState({ status: "signed-in", user: pair.user });
    },
    [api],
  );

  const signUp = useCallback(
    async (account: SignupRequest) => {
      const pair = await signup(api, account);
      api.startSession(pair);
      setState({ status: "signed-in", user: pair.user });
    },
    [api],
  );

  const signOut = useCallback(() => {
    api.endSession();
    setState({ status: "signed-out", expired: false });
  }, [api]);

  const retryRestore = useCallback(() => {
    setState({ status: "restoring" });
    setRestoreAttempt((attempt) => attempt + 1);
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
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
