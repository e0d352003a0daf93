/** How an invite reads in the host's list and on the invitation page. */
import type { Invite, InviteRoleName } from "../../../api/types";

export type InviteState = "active" | "expired" | "used-up";

export function inviteState(invite: Invite, now: Date = new Date()): InviteState {
  if (invite.expires_at !== null && Date.parse(invite.expires_at) <= now.getTime()) return "expired";
  if (invite.max_uses !== null && invite.uses >= invite.max_uses) return "used-up";
  return "active";
}

export const INVITE_STATE_LABELS: Record<InviteState, string> = {
  active: "Active",
  expired: "Expired",
  "used-up": "Used up",
};

export function usesLabel(invite: Pick<Invite, "uses" | "max_uses">): string {
  if (invite.max_uses === null) return invite.uses === 1 ? "Used once" : `Used ${invite.uses} times`;
  return `${invite.uses} of ${invite.max_uses} uses`;
}

export function inviteRoleLabel(role: InviteRoleName): string {
  return role === "ta" ? "Teaching assistant" : "Student";
}

/** "a student", "a teaching assistant": for sentences like "You're invited as …". */
export function inviteRolePhrase(role: InviteRoleName): string {
  return role === "ta" ? "a teaching assistant" : "a student";
}

/**
 * Why an invite link cannot be used, for the person holding it. The api's `reason` is a
 * short code (`expired`, `used-up`, …); unknown codes get a general sentence rather
 * than a raw code.
 */
export function invalidInviteSentence(reason: string | null): string {
  switch (reason?.toLowerCase().replace(/_/g, "-")) {
    case "expired":
    case "invite-expired":
      return "This invite link has expired.";
    case "used-up":
    case "invite-used-up":
      return "This invite link has already been used as many times as allowed.";
    case "archived":
    case "course-archived":
      return "This course has been archived and is no longer taking new members.";
    default:
      return "This invite link can no longer be used.";
  }
}

export interface ExpiryChoice {
  label: string;
  hours: number | null;
}

export const EXPIRY_CHOICES: readonly ExpiryChoice[] = [
  { label: "Never", hours: null },
  { label: "In 1 day", hours: 24 },
  { label: "In 7 days", hours: 24 * 7 },
  { label: "In 30 days", hours: 24 * 30 },
];

/** The api's ceiling on an invite's uses. */
export const MAX_INVITE_USES = 100_000;

/** Parses the optional "maximum uses" box: empty means unlimited. */
export function parseMaxUses(text: string): { value: number | null } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { value: null };
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > MAX_INVITE_USES) {
    return { error: `Enter a whole number from 1 to ${MAX_INVITE_USES.toLocaleString("en")}, or leave it empty.` };
  }
  return { value: Number(trimmed) };
}
