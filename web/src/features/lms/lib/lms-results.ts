/** The sentences an LMS action ends with. */
import type { RosterSynced, ScoresPosted } from "../../../api/types";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function describeRosterSync({ set_roles, removed }: RosterSynced): string {
  if (set_roles === 0 && removed === 0) return "The roster already matches the LMS.";
  return `${set_roles} added or updated, ${removed} removed.`;
}

export function describeScoresPosted({ posted }: ScoresPosted): string {
  if (posted === 0) return "No LMS students to send scores for.";
  return `${plural(posted, "score", "scores")} sent to the LMS gradebook.`;
}
