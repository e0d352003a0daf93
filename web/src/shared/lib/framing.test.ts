import { describe, expect, it } from "vitest";
import { isFramed } from "./framing";

describe("isFramed", () => {
  it("is false for a top-level page", () => {
    const page = {} as { self: unknown; top: unknown };
    page.self = page;
    page.top = page;
    expect(isFramed(page)).toBe(false);
  });

  it("is true inside another page's frame", () => {
    expect(isFramed({ self: {}, top: {} })).toBe(true);
  });

  it("is true when the browser refuses to tell", () => {
    const sandboxed = {
      self: {},
      get top(): unknown {
        throw new Error("SecurityError");
      },
    };
    expect(isFramed(sandboxed)).toBe(true);
  });
});
