import { describe, expect, it } from "vitest";
import { anInvite } from "../../../api/testing/fixtures";
import { invalidInviteSentence, inviteRolePhrase, inviteState, parseMaxUses, usesLabel } from "./describe-invite";

const now = new Date("2025-02-01T12:00:00Z");

describe("inviteState", () => {
  it("is active with no limits", () => {
    expect(inviteState(anInvite(), now)).toBe("active");
  });

  it("expires at its expiry time", () => {
    expect(inviteState(anInvite({ expires_at: "2025-02-01T12:00:00Z" }), now)).toBe("expired");
    expect(inviteState(anInvite({ expires_at: "2025-02-01T12:00:01Z" }), now)).toBe("active");
  });

  it("is used up at its maximum", () => {
    expect(inviteState(anInvite({ max_uses: 3, uses: 3 }), now)).toBe("used-up");
    expect(inviteState(anInvite({ max_uses: 3, uses: 2 }), now)).toBe("active");
  });
});

describe("usesLabel", () => {
  it("counts uses against the limit when there is one", () => {
    expect(usesLabel({ uses: 2, max_uses: 30 })).toBe("2 of 30 uses");
    expect(usesLabel({ uses: 0, max_uses: null })).toBe("Used 0 times");
    expect(usesLabel({ uses: 1, max_uses: null })).toBe("Used once");
  });
});

describe("invalidInviteSentence", () => {
  it("explains known reasons in either spelling", () => {
    expect(invalidInviteSentence("expired")).toBe("This invite link has expired.");
    expect(invalidInviteSentence("used_up")).toMatch(/as many times as allowed/);
    expect(invalidInviteSentence("invite-used-up")).toMatch(/as many times as allowed/);
  });

  it("never shows a raw code", () => {
    expect(invalidInviteSentence("revoked-by-admin")).toBe("This invite link can no longer be used.");
    expect(invalidInviteSentence(null)).toBe("This invite link can no longer be used.");
  });
});

describe("inviteRolePhrase", () => {
  it("reads in a sentence", () => {
    expect(inviteRolePhrase("ta")).toBe("a teaching assistant");
    expect(inviteRolePhrase("student")).toBe("a student");
  });
});

describe("parseMaxUses", () => {
  it("treats empty as unlimited and wants a positive whole number otherwise", () => {
    expect(parseMaxUses(" ")).toEqual({ value: null });
    expect(parseMaxUses("30")).toEqual({ value: 30 });
    expect(parseMaxUses("0")).toHaveProperty("error");
    expect(parseMaxUses("2.5")).toHaveProperty("error");
    expect(parseMaxUses("-1")).toHaveProperty("error");
    expect(parseMaxUses("100000")).toEqual({ value: 100000 });
    expect(parseMaxUses("100001")).toHaveProperty("error");
  });
});
