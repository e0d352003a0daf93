/**
 * The session as the UI sees it. `AuthProvider` owns it; read it with `useAuth`.
 */
import { createContext } from "react";
import type { ApiClient } from "../api/client";
import type { ProblemError } from "../api/problem";
import type { LoginRequest, SignupRequest, User } from "../api/types";

export type AuthState =
  /** Asking for an access token with the refresh cookie, after a page load. */
  | { status: "restoring" }
  /** `expired` when the server ended the session, rather than the user signing out. */
  | { status: "signed-out"; expired: boolean }
  | { status: "signed-in"; user: User }
  /** A stored session could not be checked (network, server down); retry may fix it. */
  | { status: "unavailable"; problem: ProblemError };

export interface AuthContextValue {
  state: AuthState;
  /** The signed-in user, or null. */
  user: User | null;
  api: ApiClient;
  signIn(credentials: LoginRequest): Promise<void>;
  signUp(account: SignupRequest): Promise<void>;
  signOut(): void;
  retryRestore(): void;
}

export const AuthContext = createContext<AuthContextValue | null>(null);
