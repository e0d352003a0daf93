import { describe, expect, it } from "vitest";
import { invitePath, inviteUrl } from "./invite-url";

describe("inviteUrl", () => {
  it("joins the origin and the code", () => {
    expect(inviteUrl("https://class.example.edu", "Ab3xZ9")).toBe("https://class.example.edu/invite/Ab3xZ9");
  });

  it("tolerates a trailing slash and escapes the code", () => {
    expect(inviteUrl("http://127.0.0.1:8470/", "a b/c")).toBe("http://127.0.0.1:8470/invite/a%20b%2Fc");
  });
});

describe("invitePath", () => {
  it("is the path part of the link", () => {
    expect(invitePath("Ab3xZ9")).toBe("/invite/Ab3xZ9");
  });
});
