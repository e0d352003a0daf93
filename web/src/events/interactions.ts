/**
 * Live interactions as a screen reads them: the `chat`, `questions` and `poll` parts of the
 * `/state` snapshot, and three slices that exist only on the client:
 * - `reactions`: the latest `reactions.burst`, tagged with its seq, so each burst plays once;
 * - `chat_mutes`: the latest `chat.user_muted` / `chat.user_unmuted` per user id, so
 *   moderators can offer "Unmute" and a student learns of their own mute (or its end)
 *   without sending first; see `viewerMute`;
 * - `chat_changes`: the latest `chat.message_deleted` / `chat.message_pinned` per message
 *   id, so they also reach messages outside `chat.latest` (older pages the chat panel
 *   loaded; see `features/interactions/lib/chat-history.ts`). One entry per moderation
 *   click, so it stays small.
 *
 * `interactions-reducer.ts` moves them forward by events.
 */
import type { ChatSnapshot, Poll, Question } from "../api/types";

export interface ReactionBurst {
  /** The event's seq: a new one plays a new burst. */
  seq: number;
  /** ISO time of the second the taps were counted in. */
  second: string;
  counts: Record<string, number>;
}

/** A mute the feed told of: `until` null is for the rest of the class. */
export interface ChatMute {
  muted: boolean;
  until: string | null;
}

/** The latest mute or unmute the feed told of, by user id. */
export type ChatMutes = Record<string, ChatMute>;

/** The feed's latest word on a message, at `seq`: deleted (for good), or pinned / unpinned. */
export interface ChatChange {
  seq: number;
  deleted: boolean;
  pinned: boolean;
}

/** The latest deletion or pin the feed told of, by message id. */
export type ChatChanges = Record<string, ChatChange>;

/** The parts of a session snapshot this reducer keeps current. */
export interface InteractionSlices {
  chat?: ChatSnapshot | null;
  questions?: Question[] | null;
  poll?: Poll | null;
  reactions?: ReactionBurst | null;
  chat_mutes?: ChatMutes | null;
  chat_changes?: ChatChanges | null;
}

/** The interactions of a snapshot, with empty defaults for slices it does not have. */
export interface Interactions {
  chat: ChatSnapshot;
  questions: Question[];
  poll: Poll | null;
  reactions: ReactionBurst | null;
  chatMutes: ChatMutes;
  chatChanges: ChatChanges;
}

export const EMPTY_CHAT: ChatSnapshot = {
  latest: [],
  pinned: [],
  slow_mode_seconds: 0,
  muted: false,
  muted_until: null,
};

export function interactionsOf(state: InteractionSlices): Interactions {
  return {
    chat: state.chat ?? EMPTY_CHAT,
    questions: state.questions ?? [],
    poll: state.poll ?? null,
    reactions: state.reactions ?? null,
    chatMutes: state.chat_mutes ?? {},
    chatChanges: state.chat_changes ?? {},
  };
}

/**
 * Whether the viewer may not chat now, and until when (null: the rest of the class).
 * The feed's latest word wins over the snapshot; a mute whose time has passed is over.
 */
export function viewerMute(
  interactions: Interactions,
  viewerId: string | null,
  now: number,
): { until: string | null } | null {
  const told = viewerId === null ? undefined : interactions.chatMutes[viewerId];
  const { chat } = interactions;
  const mute = told ?? { muted: chat.muted, until: chat.muted_until };
  if (!mute.muted) return null;
  if (mute.until !== null && Date.parse(mute.until) <= now) return null;
  return { until: mute.until };
}
