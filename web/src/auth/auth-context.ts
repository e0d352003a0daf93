/**
 * The session as the UI sees it. `AuthProvider` owns it; read it with `useAuth`.
 */
import { type ComponentType, createContext } from "react";
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

/** A sign-in provider's own sign-in or sign-up screen (Clerk's components). */
export type ExternalSignIn = ComponentType<{ mode: "sign-in" | "sign-up" }>;

export interface AuthContextValue {
  state: AuthState;
  /** Who signs people in: the local provider's forms, or Clerk's SDK. */
  provider: "local" | "clerk";
  /** Shown instead of the local forms on /signin and /signup; null for the local provider. */
  externalSignIn: ExternalSignIn | null;
  /** The signed-in user, or null. */
  user: User | null;
  api: ApiClient;
  signIn(credentials: LoginRequest): Promise<void>;
  signUp(account: SignupRequest): Promise<void>;
  signOut(): void;
  retryRestore(): void;
}

export const AuthContext = createContext<AuthContextValue | null>(null);
