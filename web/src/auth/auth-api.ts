/** The local provider's sign-in and sign-up calls (refresh and logout live in the api client). */
import type { ApiClient } from "../api/client";
import type { AccessGrant, LoginRequest, SignupRequest, User } from "../api/types";

export function login(api: ApiClient, credentials: LoginRequest): Promise<AccessGrant> {
  return api.POST("/auth/local/login", { body: credentials, auth: false });
}

export function signup(api: ApiClient, account: SignupRequest): Promise<AccessGrant> {
  return api.POST("/auth/local/signup", { body: account, auth: false });
}

export function getMe(api: ApiClient, signal?: AbortSignal): Promise<User> {
  return api.GET("/api/v1/me", { signal });
}
