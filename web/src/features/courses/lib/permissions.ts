/**
 * What a course role may do, for deciding which controls to show. The api enforces the
 * same rules; the UI only avoids offering what would be refused.
 *
 *   owner, instructor  host         manage members and invites, edit the course and its
 *                                  classes, delete recordings (owner also archives)
 *   ta                 moderator    sees the member list
 *   student            participant  sees the course
 */
import type { AssignableRole, Member, Role } from "../../../api/types";

/** My role in a course, or null when I am not a member (a platform admin looking in). */
export type CourseRole = Role | null;

export function isHost(role: CourseRole): boolean {
  return role === "owner" || role === "instructor";
}

export function isStaff(role: CourseRole): boolean {
  return isHost(role) || role === "ta";
}

export function canSeeMembers(role: CourseRole): boolean {
  return isStaff(role);
}

export function canManageMembers(role: CourseRole): boolean {
  return isHost(role);
}

export function canManageInvites(role: CourseRole): boolean {
  return isHost(role);
}

/** Edit the course (its recording default) and its classes, delete their recordings. */
export function canEditCourse(role: CourseRole): boolean {
  return isHost(role);
}

export function canArchiveCourse(role: CourseRole): boolean {
  return role === "owner";
}

/**
 * Whether I may change this member's role or remove them. The owner is fixed, and my
 * own row is left alone so a host cannot lock themselves out by accident.
 */
export function canEditMember(myRole: CourseRole, myUserId: string, member: Member): boolean {
  return canManageMembers(myRole) && member.role !== "owner" && member.user_id !== myUserId;
}

export const ASSIGNABLE_ROLES: readonly AssignableRole[] = ["instructor", "ta", "student"];

const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  instructor: "Instructor",
  ta: "Teaching assistant",
  student: "Student",
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}
