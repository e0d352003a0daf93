import { describe, expect, it } from "vitest";
import { authPathFor, isInviteReturn, safeReturnPath } from "./return-to";

describe("safeReturnPath", () => {
  it("keeps same-origin paths with their query", () => {
    expect(safeReturnPath("/invite/ABC123")).toBe("/invite/ABC123");
    expect(safeReturnPath("/courses/42?tab=members")).toBe("/courses/42?tab=members");
  });

  it.each([
    [null],
    [""],
    ["https://evil.example/"],
    ["//evil.example/"],
    ["/\\evil.example"],
    ["javascript:alert(1)"],
    ["/\tjavascript:alert(1)"],
    ["/signin"],
    ["/signup?next=/courses"],
  ])("falls back to /courses for %j", (next) => {
    expect(safeReturnPath(next)).toBe("/courses");
  });

  it("does not mistake a path that merely starts with 'signin' for the sign-in page", () => {
    expect(safeReturnPath("/signing-tips")).toBe("/signing-tips");
  });
});

describe("authPathFor", () => {
  it("carries the page to return to", () => {
    expect(authPathFor("/signin", "/invite/ABC 1")).toBe("/signin?next=%2Finvite%2FABC%201");
    expect(authPathFor("/signup", "/invite/X")).toBe("/signup?next=%2Finvite%2FX");
  });

  it("leaves out the default", () => {
    expect(authPathFor("/signin", "/courses")).toBe("/signin");
    expect(authPathFor("/signin", null)).toBe("/signin");
  });
});

describe("isInviteReturn", () => {
  it("recognises a safe invite path only", () => {
    expect(isInviteReturn("/invite/ABC")).toBe(true);
    expect(isInviteReturn("/courses")).toBe(false);
    expect(isInviteReturn("//evil.example/invite/ABC")).toBe(false);
    expect(isInviteReturn(null)).toBe(false);
  });
});
