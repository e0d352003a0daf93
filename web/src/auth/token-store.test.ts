import { describe, expect, it } from "vitest";
import type { TokenPair } from "../api/types";
import { REFRESH_TOKEN_KEY, createTokenStore } from "./token-store";
import { MemoryStorage } from "../api/testing/memory-storage";

function pair(access: string, refresh: string, expiresIn = 900): TokenPair {
  return {
    access_token: access,
    refresh_token: refresh,
    token_type: "Bearer",
    expires_in: expiresIn,
    user: {
      id: "u1",
      email: "ada@example.org",
      display_name: "Ada",
      auth_provider: "local",
      is_platform_admin: false,
    },
  };
}

describe("createTokenStore", () => {
  it("keeps the access token in memory and the refresh token in storage", () => {
    const storage = new MemoryStorage();
    const tokens = createTokenStore(storage, () => 0);
    tokens.save(pair("access-1", "refresh-1"));

    expect(tokens.accessToken()).toBe("access-1");
    expect([...storage.values.values()]).toEqual(["refresh-1"]);
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe("refresh-1");
  });

  it("treats an access token close to expiry as gone", () => {
    let now = 0;
    const tokens = createTokenStore(new MemoryStorage(), () => now);
    tokens.save(pair("access-1", "refresh-1", 60));

    now = 29_000;
    expect(tokens.accessToken()).toBe("access-1");
    now = 31_000;
    expect(tokens.accessToken()).toBeNull();
  });

  it("reads the refresh token afresh, so a rotation by another tab is seen", () => {
    const storage = new MemoryStorage();
    const tokens = createTokenStore(storage);
    tokens.save(pair("access-1", "refresh-1"));
    storage.setItem(REFRESH_TOKEN_KEY, "refresh-from-other-tab");

    expect(tokens.refreshToken()).toBe("refresh-from-other-tab");
  });

  it("forgets both tokens on clear", () => {
    const storage = new MemoryStorage();
    const tokens = createTokenStore(storage);
    tokens.save(pair("access-1", "refresh-1"));
    tokens.clear();

    expect(tokens.accessToken()).toBeNull();
    expect(tokens.refreshToken()).toBeNull();
  });

  it("still works for this tab when storage throws", () => {
    const broken = {
      getItem(): string | null {
        throw new Error("SecurityError");
      },
      setItem() {
        throw new Error("QuotaExceededError");
      },
      removeItem() {
        throw new Error("SecurityError");
      },
    };
    const tokens = createTokenStore(broken);
    tokens.save(pair("access-1", "refresh-1"));

    expect(tokens.accessToken()).toBe("access-1");
    expect(tokens.refreshToken()).toBeNull();
    expect(() => tokens.clear()).not.toThrow();
  });
});
