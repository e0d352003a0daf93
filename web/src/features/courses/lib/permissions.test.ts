import { describe, expect, it } from "vitest";
import type { Role } from "../../../api/types";
import { aMember } from "../../../api/testing/fixtures";
import {
  canArchiveCourse,
  canEditCourse,
  canEditMember,
  canManageInvites,
  canManageMembers,
  canSeeMembers,
  roleLabel,
} from "./permissions";

const table: [Role | null, { manage: boolean; see: boolean; invite: boolean; edit: boolean; archive: boolean }][] = [
  ["owner", { manage: true, see: true, invite: true, edit: true, archive: true }],
  ["instructor", { manage: true, see: true, invite: true, edit: true, archive: false }],
  ["ta", { manage: false, see: true, invite: false, edit: false, archive: false }],
  ["student", { manage: false, see: false, invite: false, edit: false, archive: false }],
  [null, { manage: false, see: false, invite: false, edit: false, archive: false }],
];

describe("course permissions", () => {
  it.each(table)("%s", (role, expected) => {
    expect({
      manage: canManageMembers(role),
      see: canSeeMembers(role),
      invite: canManageInvites(role),
      edit: canEditCourse(role),
      archive: canArchiveCourse(role),
    }).toEqual(expected);
  });
});

describe("canEditMember", () => {
  it("lets hosts edit other non-owner members", () => {
    expect(canEditMember("instructor", "me", aMember({ user_id: "them", role: "student" }))).toBe(true);
    expect(canEditMember("owner", "me", aMember({ user_id: "them", role: "instructor" }))).toBe(true);
  });

  it("never offers to edit the owner or oneself", () => {
    expect(canEditMember("instructor", "me", aMember({ user_id: "boss", role: "owner" }))).toBe(false);
    expect(canEditMember("owner", "me", aMember({ user_id: "me", role: "owner" }))).toBe(false);
    expect(canEditMember("instructor", "me", aMember({ user_id: "me", role: "instructor" }))).toBe(false);
  });

  it("offers nothing to teaching assistants and students", () => {
    expect(canEditMember("ta", "me", aMember())).toBe(false);
    expect(canEditMember("student", "me", aMember())).toBe(false);
  });
});

describe("roleLabel", () => {
  it("spells out roles", () => {
    expect(roleLabel("ta")).toBe("Teaching assistant");
  });
});
