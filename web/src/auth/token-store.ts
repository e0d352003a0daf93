/**
 * Where the session's access token lives: in this tab's memory, and nowhere else.
 *
 * Nothing about the session is written to localStorage, sessionStorage or a cookie a
 * script can read: the refresh token is an HttpOnly cookie the browser sends only to
 * `/auth/local/refresh` and `/auth/local/logout`, so a script injected into the page can
 * neither read a token from storage nor keep one after the tab closes. A reload (or a
 * second tab) starts with no access token and asks `/auth/local/refresh` for one.
 */
import type { SessionTokens } from "../api/client";
import type { AccessGrant } from "../api/types";

/** Refresh this long before the access token's stated expiry, to absorb clock skew. */
const EXPIRY_MARGIN_MS = 30_000;

export function createTokenStore(now: () => number = Date.now): SessionTokens {
  let accessToken: string | null = null;
  let accessExpiresAt = 0;

  return {
    accessToken() {
      if (accessToken === null || now() >= accessExpiresAt - EXPIRY_MARGIN_MS) return null;
      return accessToken;
    },
    save(grant: AccessGrant) {
      accessToken = grant.access_token;
      accessExpiresAt = now() + grant.expires_in * 1000;
    },
    clear() {
      accessToken = null;
      accessExpiresAt = 0;
    },
  };
}
