/**
 * Reading the values inside event payloads: a field is taken only when it is what the
 * catalog says it is. The reducers use these so that a malformed field changes nothing
 * (see `known-event.ts` for why payloads are checked at all).
 */
import type { ChatMessage, Poll, Question, Scene, SceneLayout } from "../api/types";
import { POLL_KIND_VALUES, POLL_STATUS_VALUES, QUESTION_STATUS_VALUES, SCENE_LAYOUT_VALUES } from "./event-catalog.gen";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A whole number ≥ 0 (a count, a seq). */
export function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** A whole number ≥ 1 (a page number). */
export function isPositiveInt(value: unknown): value is number {
  return isCount(value) && value >= 1;
}

export function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === "string");
}

/** `value` when it is one of `values`, else `fallback`. */
export function oneOf<T extends string>(values: readonly T[], value: unknown, fallback: T): T {
  return values.includes(value as T) ? (value as T) : fallback;
}

export function isLayout(value: unknown): value is SceneLayout {
  return SCENE_LAYOUT_VALUES.includes(value as SceneLayout);
}

/** `{ option: count }`; null unless every count is a count. */
export function asCounts(value: unknown): Record<string, number> | null {
  if (!isRecord(value)) return null;
  const counts: Record<string, number> = {};
  for (const [key, count] of Object.entries(value)) {
    if (!isCount(count)) return null;
    counts[key] = count;
  }
  return counts;
}

const stringOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** What chat messages and questions both have: an id, a seq, a body and when it was written. */
function asPost(value: unknown): { post: { id: string; seq: number; body: string; created_at: string }; fields: Record<string, unknown> } | null {
  if (!isRecord(value)) return null;
  const { id, seq, body, created_at: createdAt } = value;
  if (typeof id !== "string" || !isCount(seq) || typeof body !== "string" || typeof createdAt !== "string") return null;
  return { post: { id, seq, body, created_at: createdAt }, fields: value };
}

export function asChatMessage(value: unknown): ChatMessage | null {
  const read = asPost(value);
  if (read === null) return null;
  const { post, fields } = read;
  return {
    ...post,
    author_id: stringOrNull(fields.author_id),
    author_name: stringOrNull(fields.author_name),
    reply_to_id: stringOrNull(fields.reply_to_id),
    deleted: fields.deleted === true,
    pinned: fields.pinned === true,
  };
}

export function asQuestion(value: unknown): Question | null {
  const read = asPost(value);
  if (read === null) return null;
  const { post, fields } = read;
  return {
    ...post,
    anonymous: fields.anonymous === true,
    author_id: stringOrNull(fields.author_id),
    author_name: stringOrNull(fields.author_name),
    status: oneOf(QUESTION_STATUS_VALUES, fields.status, "open"),
    upvotes: isCount(fields.upvotes) ? fields.upvotes : 0,
    // Whoever asked, this event is not about the viewer's vote.
    voted: fields.voted === true,
    answer_text: stringOrNull(fields.answer_text),
    answered_at: stringOrNull(fields.answered_at),
  };
}

export function asPoll(value: unknown): Poll | null {
  if (!isRecord(value)) return null;
  if (typeof value.id !== "string" || typeof value.question !== "string" || !Array.isArray(value.options)) return null;
  const options = (value.options as unknown[]).filter(
    (option): option is { id: string; text: string } =>
      isRecord(option) && typeof option.id === "string" && typeof option.text === "string",
  );
  return {
    id: value.id,
    question: value.question,
    kind: oneOf(POLL_KIND_VALUES, value.kind, "single"),
    options: options.map(({ id, text }) => ({ id, text })),
    anonymous: value.anonymous === true,
    status: oneOf(POLL_STATUS_VALUES, value.status, "open"),
    results_visible: value.results_visible === true,
    opened_at: stringOrNull(value.opened_at),
    closed_at: stringOrNull(value.closed_at),
    correct_option_ids: isStringList(value.correct_option_ids) ? value.correct_option_ids : null,
    counts: asCounts(value.counts),
    total_votes: isCount(value.total_votes) ? value.total_votes : null,
    my_vote: isStringList(value.my_vote) ? value.my_vote : null,
  };
}

export function asScene(value: unknown): Scene | null {
  if (!isRecord(value)) return null;
  const { id, session_id: sessionId, name, layout, position, config } = value;
  if (typeof id !== "string" || typeof name !== "string" || !isLayout(layout)) return null;
  if (typeof position !== "number" || !Number.isInteger(position)) return null;
  return {
    id,
    session_id: typeof sessionId === "string" ? sessionId : "",
    name,
    layout,
    position,
    config: isRecord(config) ? config : {},
  };
}
