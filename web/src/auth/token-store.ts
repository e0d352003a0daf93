/**
 * Where the session's tokens live.
 *
 * The access token stays in memory only, so a script that reads storage cannot lift a
 * working bearer token; the refresh token goes to localStorage so a reload (or a second
 * tab) can start a new session without asking for the password again. The refresh token
 * is re-read from storage every time, because another tab may have rotated it.
 */
import type { SessionTokens } from "../api/client";
import type { TokenPair } from "../api/types";

export const REFRESH_TOKEN_KEY = "multistream.refresh_token";

/** Refresh this long before the access token's stated expiry, to absorb clock skew. */
const EXPIRY_MARGIN_MS = 30_000;

type KeyValueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function createTokenStore(
  storage: KeyValueStorage | null,
  now: () => number = Date.now,
): SessionTokens {
  let accessToken: string | null = null;
  let accessExpiresAt = 0;

  return {
    accessToken() {
      if (accessToken === null || now() >= accessExpiresAt - EXPIRY_MARGIN_MS) return null;
      return accessToken;
    },
    refreshToken() {
      try {
        return storage?.getItem(REFRESH_TOKEN_KEY) ?? null;
      } catch {
        // Storage can be disabled (private modes, strict cookie settings): no reloads then.
        return null;
      }
    },
    save(pair: TokenPair) {
      accessToken = pair.access_token;
      accessExpiresAt = now() + pair.expires_in * 1000;
      try {
        storage?.setItem(REFRESH_TOKEN_KEY, pair.refresh_token);
      } catch {
        // See refreshToken(): the session still works until this tab closes.
      }
    },
    clear() {
      accessToken = null;
      accessExpiresAt = 0;
      try {
        storage?.removeItem(REFRESH_TOKEN_KEY);
      } catch {
        // Nothing stored, nothing to remove.
      }
    },
  };
}

/** The browser's localStorage when it is usable, else null. */
export function browserStorage(): KeyValueStorage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}
