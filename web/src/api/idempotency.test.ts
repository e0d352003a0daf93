import { describe, expect, it } from "vitest";
import { IdempotencyKeys } from "./idempotency";

describe("IdempotencyKeys", () => {
  it("keeps the key while the request stays the same, and makes a new one when it changes", () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `key-${++n}`);
    expect(keys.keyFor({ title: "Week 3" })).toBe("key-1");
    expect(keys.keyFor({ title: "Week 3" })).toBe("key-1");
    expect(keys.keyFor({ title: "Week 3 (moved)" })).toBe("key-2");
    expect(keys.keyFor({ title: "Week 3" })).toBe("key-3");
  });

  it("starts afresh after a success", () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `key-${++n}`);
    keys.keyFor({ title: "Week 3" });
    keys.reset();
    expect(keys.keyFor({ title: "Week 3" })).toBe("key-2");
  });

  it("makes random keys by default", () => {
    const key = new IdempotencyKeys().keyFor({});
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
  });
});
