/**
 * Moves the interactions of a session snapshot (`interactions.ts`) forward by `chat.*`,
 * `qa.*`, `poll.*` and `reactions.burst` events. `session-reducer.ts` hands those events
 * here, after it has moved `as_of_seq` (so this module never sees an event twice).
 *
 * Like the session reducer, payload fields are checked, not trusted (`payload-values.ts`);
 * an event that does not fit (unknown message, malformed field) changes nothing. A slice
 * the snapshot does not have (an older api) stays absent, except that new chat messages,
 * questions or an opened poll create it.
 */
import type { ChatMessage, Poll, Question, QuestionStatus } from "../api/types";
import type { FeedEvent } from "./frames";
import { EMPTY_CHAT, type InteractionSlices } from "./interactions";
import { type KnownEvent, knownEvent } from "./known-event";
import { asChatMessage, asCounts, asPoll, asQuestion, isCount, isRecord, isStringList } from "./payload-values";

/**
 * At most this many messages of the live chat list (`chat.latest`) are kept (the oldest go
 * first). Older pages a reader loads are kept beside it, not in it, so the cap never
 * drops them (see `features/interactions/lib/chat-history.ts`).
 */
export const CHAT_MESSAGES_KEPT = 500;

const PREFIXES = ["chat.", "qa.", "poll.", "reactions."] as const;

/** Whether `applyInteractionEvent` is the reducer for this event type. */
export function isInteractionEvent(type: string): boolean {
  return PREFIXES.some((prefix) => type.startsWith(prefix));
}

/**
 * Applies one interactions event. Returns `state` itself when nothing changes, so a
 * caller can tell (and the session reducer's tests of other events see no new fields).
 */
export function applyInteractionEvent<S extends InteractionSlices>(state: S, event: FeedEvent): S {
  if (!("payload" in event)) return state;
  const known = knownEvent(event);
  if (known === null || !isInteraction(known)) return state;
  const change = interactionChange(state, known, event.seq, event.occurred_at);
  return change === null ? state : ({ ...state, ...change } as S);
}

type InteractionEvent = Extract<KnownEvent, { type: `${(typeof PREFIXES)[number]}${string}` }>;

function isInteraction(event: KnownEvent): event is InteractionEvent {
  return isInteractionEvent(event.type);
}

function interactionChange(
  state: InteractionSlices,
  { type, payload }: InteractionEvent,
  seq: number,
  occurredAt: string,
): Partial<InteractionSlices> | null {
  switch (type) {
    // --- chat ------------------------------------------------------------------------
    case "chat.message_posted": {
      const message = asChatMessage(payload.message);
      if (message === null) return null;
      const chat = state.chat ?? EMPTY_CHAT;
      if (chat.latest.some((known) => known.id === message.id)) return null;
      const latest = insertBySeq(chat.latest, message).slice(-CHAT_MESSAGES_KEPT);
      const pinned = message.pinned ? [message, ...chat.pinned] : chat.pinned;
      return { chat: { ...chat, latest, pinned } };
    }
    case "chat.message_deleted": {
      const id = payload.message_id;
      if (typeof id !== "string" || !state.chat) return null;
      const erase = (message: ChatMessage): ChatMessage =>
        message.id === id ? { ...message, body: "", deleted: true, pinned: false } : message;
      return {
        chat: {
          ...state.chat,
          latest: state.chat.latest.map(erase),
          pinned: state.chat.pinned.filter((message) => message.id !== id),
        },
        chat_changes: { ...state.chat_changes, [id]: { seq, deleted: true, pinned: false } },
      };
    }
    case "chat.message_pinned": {
      const id = payload.message_id;
      const pinned = payload.pinned;
      if (typeof id !== "string" || typeof pinned !== "boolean" || !state.chat) return null;
      const chat = state.chat;
      const latest = chat.latest.map((message) => (message.id === id ? { ...message, pinned } : message));
      const message = latest.find((candidate) => candidate.id === id) ?? chat.pinned.find((p) => p.id === id);
      const others = chat.pinned.filter((candidate) => candidate.id !== id);
      // Most recently pinned first, as `/state` lists them.
      const pinnedList = pinned && message && !message.deleted ? [{ ...message, pinned }, ...others] : others;
      // A deletion is final: a pin the feed tells of later cannot bring the text back.
      const known = state.chat_changes?.[id];
      const change = known?.deleted ? known : { seq, deleted: false, pinned };
      return { chat: { ...chat, latest, pinned: pinnedList }, chat_changes: { ...state.chat_changes, [id]: change } };
    }
    case "chat.slow_mode_set": {
      const seconds = payload.seconds;
      if (!isCount(seconds)) return null;
      return { chat: { ...(state.chat ?? EMPTY_CHAT), slow_mode_seconds: seconds } };
    }
    case "chat.user_muted": {
      const userId = payload.user_id;
      const until = payload.until;
      if (typeof userId !== "string" || !(until === null || typeof until === "string")) return null;
      return { chat_mutes: { ...state.chat_mutes, [userId]: { muted: true, until } } };
    }
    case "chat.user_unmuted": {
      const userId = payload.user_id;
      if (typeof userId !== "string") return null;
      // Kept as an entry (not deleted): it also overrides the snapshot's `muted_until`.
      return { chat_mutes: { ...state.chat_mutes, [userId]: { muted: false, until: null } } };
    }

    // --- questions -------------------------------------------------------------------
    case "qa.question_asked": {
      const question = asQuestion(payload.question);
      if (question === null) return null;
      const questions = state.questions ?? [];
      if (questions.some((known) => known.id === question.id)) return null;
      return { questions: [...questions, question] };
    }
    case "qa.question_author": {
      const id = payload.question_id;
      const authorId = payload.author_id;
      const authorName = payload.author_name;
      if (typeof id !== "string" || typeof authorId !== "string" || typeof authorName !== "string") return null;
      return updateQuestion(state, id, () => ({ author_id: authorId, author_name: authorName }));
    }
    case "qa.vote_cast":
    case "qa.vote_removed": {
      const id = payload.question_id;
      if (typeof id !== "string") return null;
      const voted = type === "qa.vote_cast";
      // These reach only the voter: they change "voted" and count the vote at once
      // (the database already has it); `qa.votes_changed` later brings everyone's total.
      return updateQuestion(state, id, (question) =>
        question.voted === voted ? null : { voted, upvotes: Math.max(0, question.upvotes + (voted ? 1 : -1)) },
      );
    }
    case "qa.votes_changed": {
      if (!Array.isArray(payload.questions) || !state.questions) return null;
      const totals = new Map<string, number>();
      for (const entry of payload.questions as unknown[]) {
        if (isRecord(entry) && typeof entry.id === "string" && isCount(entry.upvotes)) totals.set(entry.id, entry.upvotes);
      }
      if (totals.size === 0) return null;
      return {
        questions: state.questions.map((question) => {
          const upvotes = totals.get(question.id);
          return upvotes === undefined ? question : { ...question, upvotes };
        }),
      };
    }
    case "qa.question_answered": {
      const id = payload.question_id;
      if (typeof id !== "string") return null;
      const answerText = typeof payload.answer_text === "string" && payload.answer_text !== "" ? payload.answer_text : null;
      const answeredAt = typeof payload.answered_at === "string" ? payload.answered_at : occurredAt;
      return updateQuestion(state, id, () => ({ status: "answered", answer_text: answerText, answered_at: answeredAt }));
    }
    case "qa.question_dismissed":
    case "qa.question_reopened": {
      const id = payload.question_id;
      if (typeof id !== "string") return null;
      const status: QuestionStatus = type === "qa.question_dismissed" ? "dismissed" : "open";
      return updateQuestion(state, id, () => ({ status, answer_text: null, answered_at: null }));
    }

    // --- polls -----------------------------------------------------------------------
    case "poll.opened": {
      const poll = asPoll(payload.poll);
      if (poll === null) return null;
      const mine = state.poll?.id === poll.id ? state.poll.my_vote : null;
      return { poll: { ...poll, status: "open", my_vote: poll.my_vote ?? mine } };
    }
    case "poll.vote_cast": {
      const id = payload.poll_id;
      const optionIds = payload.option_ids;
      if (typeof id !== "string" || !isStringList(optionIds)) return null;
      return updatePoll(state, id, () => ({ my_vote: optionIds }));
    }
    case "poll.tally": {
      const id = payload.poll_id;
      const counts = asCounts(payload.counts);
      if (typeof id !== "string" || counts === null) return null;
      const total = isCount(payload.total_votes) ? payload.total_votes : null;
      return updatePoll(state, id, () => ({ counts, total_votes: total }));
    }
    case "poll.results_shown": {
      const id = payload.poll_id;
      const visible = payload.visible;
      if (typeof id !== "string" || typeof visible !== "boolean") return null;
      const counts = asCounts(payload.counts);
      const total = isCount(payload.total_votes) ? payload.total_votes : null;
      return updatePoll(state, id, () => ({
        results_visible: visible,
        ...(counts !== null ? { counts, total_votes: total } : {}),
      }));
    }
    case "poll.closed": {
      const id = payload.poll_id;
      if (typeof id !== "string") return null;
      const counts = asCounts(payload.counts);
      const correct = isStringList(payload.correct_option_ids) ? payload.correct_option_ids : null;
      return updatePoll(state, id, (poll) => ({
        status: "closed",
        closed_at: typeof payload.closed_at === "string" ? payload.closed_at : (poll.closed_at ?? occurredAt),
        ...(counts !== null ? { counts, total_votes: isCount(payload.total_votes) ? payload.total_votes : null } : {}),
        ...(correct !== null ? { correct_option_ids: correct } : {}),
      }));
    }

    // --- reactions -------------------------------------------------------------------
    case "reactions.burst": {
      const counts = asCounts(payload.counts);
      if (counts === null) return null;
      return { reactions: { seq, second: typeof payload.second === "string" ? payload.second : occurredAt, counts } };
    }
    default:
      return null;
  }
}

function updateQuestion(
  state: InteractionSlices,
  id: string,
  change: (question: Question) => Partial<Question> | null,
): Partial<InteractionSlices> | null {
  const questions = state.questions;
  const index = questions?.findIndex((question) => question.id === id) ?? -1;
  const question = questions?.[index];
  if (!questions || question === undefined) return null;
  const changed = change(question);
  if (changed === null) return null;
  const next = [...questions];
  next[index] = { ...question, ...changed };
  return { questions: next };
}

function updatePoll(
  state: InteractionSlices,
  id: string,
  change: (poll: Poll) => Partial<Poll>,
): Partial<InteractionSlices> | null {
  if (!state.poll || state.poll.id !== id) return null;
  return { poll: { ...state.poll, ...change(state.poll) } };
}

/** Inserts in seq order (messages arrive in order, so this is nearly always an append). */
function insertBySeq<T extends { seq: number }>(list: readonly T[], item: T): T[] {
  let index = list.length;
  while (index > 0 && (list[index - 1]?.seq ?? 0) > item.seq) index -= 1;
  return [...list.slice(0, index), item, ...list.slice(index)];
}
