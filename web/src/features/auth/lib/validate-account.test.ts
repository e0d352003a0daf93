import { describe, expect, it } from "vitest";
import { lockedOutMessage, retryAfterSentence, validateSignIn, validateSignUp } from "./validate-account";

describe("validateSignUp", () => {
  it("accepts a complete account", () => {
    expect(
      validateSignUp({ display_name: "Ada", email: "ada@example.org", password: "correct horse" }),
    ).toBeNull();
  });

  it("names every field that needs attention", () => {
    expect(validateSignUp({ display_name: "  ", email: "ada", password: "short" })).toEqual({
      fields: {
        display_name: "Enter the name others will see.",
        email: "Enter an email address like name@school.edu.",
        password: "Use at least 10 characters.",
      },
      form: null,
    });
  });

  it("limits the display name to 100 characters", () => {
    const result = validateSignUp({ display_name: "x".repeat(101), email: "a@b.c", password: "0123456789" });
    expect(result?.fields).toEqual({ display_name: "Use at most 100 characters." });
  });
});

describe("validateSignIn", () => {
  it("asks for both fields", () => {
    expect(validateSignIn({ email: "", password: "" })?.fields).toEqual({
      email: "Enter your email address.",
      password: "Enter your password.",
    });
    expect(validateSignIn({ email: "a@b.c", password: "x" })).toBeNull();
  });
});

describe("retryAfterSentence", () => {
  it("speaks in seconds or whole minutes", () => {
    expect(retryAfterSentence(1)).toBe("Try again in 1 second.");
    expect(retryAfterSentence(61)).toBe("Try again in 2 minutes.");
    expect(retryAfterSentence(300)).toBe("Try again in 5 minutes.");
    expect(retryAfterSentence(null)).toBeNull();
  });
});

describe("lockedOutMessage", () => {
  it("adds when to try again, unless the api already said", () => {
    expect(lockedOutMessage("The account is locked.", 120)).toBe("The account is locked. Try again in 2 minutes.");
    expect(lockedOutMessage("Too many failed sign-ins. Try again in about 15 minute(s).", 899)).toBe(
      "Too many failed sign-ins. Try again in about 15 minute(s).",
    );
    expect(lockedOutMessage("The account is locked.", null)).toBe("The account is locked.");
  });
});
