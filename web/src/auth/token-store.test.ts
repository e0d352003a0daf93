import { afterEach, describe, expect, it, vi } from "vitest";
import type { AccessGrant } from "../api/types";
import { createTokenStore } from "./token-store";
import { MemoryStorage } from "../api/testing/memory-storage";

function grant(access: string, expiresIn = 900): AccessGrant {
  return {
    access_token: access,
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
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("keeps the access token in memory and writes nothing to web storage", () => {
    // Storage a script could read: the store must never touch it.
    const local = new MemoryStorage();
    const session = new MemoryStorage();
    vi.stubGlobal("localStorage", local);
    vi.stubGlobal("sessionStorage", session);
    vi.stubGlobal("document", { cookie: "" });

    const tokens = createTokenStore(() => 0);
    tokens.save(grant("access-1"));

    expect(tokens.accessToken()).toBe("access-1");
    expect(local.values.size).toBe(0);
    expect(session.values.size).toBe(0);
    expect((globalThis as unknown as { document: { cookie: string } }).document.cookie).toBe("");
  });

  it("treats an access token close to expiry as gone", () => {
    let now = 0;
    const tokens = createTokenStore(() => now);
    tokens.save(grant("access-1", 60));

    now = 29_000;
    expect(tokens.accessToken()).toBe("access-1");
    now = 31_000;
    expect(tokens.accessToken()).toBeNull();
  });

  it("forgets the access token on clear", () => {
    const tokens = createTokenStore();
    tokens.save(grant("access-1"));
    tokens.clear();
    expect(tokens.accessToken()).toBeNull();
  });

  it("is one tab's own: another store (a reload, a second tab) starts empty", () => {
    createTokenStore().save(grant("access-1"));
    expect(createTokenStore().accessToken()).toBeNull();
  });
});
