/**
 * Earlier chat messages: pages of `GET /sessions/{id}/chat?before=` that a reader asked
 * for, shown above the live list.
 *
 * ```
 *   earlier.messages (oldest first)            chat.latest (snapshot + feed, ≤ 500)
 *   ├─────────────────────────────────────────┤├─────────────────────────────────────┤
 *   ▲ the next page asks `before` the oldest seq shown
 * ```
 *
 * - The live list belongs to the session state (`interactions-reducer.ts`); earlier pages
 *   belong to the chat panel. So `CHAT_MESSAGES_KEPT` trims only the live list and never
 *   undoes a page the reader loaded. Once a page is loaded, messages the cap lets go of
 *   move into the earlier ones (`followLatest`), so no hole opens between the two; what the
 *   reader loaded stays until they leave the class. Before any page is loaded the cap
 *   works as it always did: what it drops is one click away.
 * - A message can be in both (the cap trimmed while a page was on its way): the live
 *   copy wins.
 * - Deletions and pins the feed told of (`chat_changes`) apply to earlier messages too;
 *   the live list has them already.
 */
import type { ChatHistory, ChatMessage } from "../../../api/types";
import type { ChatChange, ChatChanges } from "../../../events/interactions";

/** Messages in the `/state` snapshot's `chat.latest` (the api's `chat.LATEST`). */
export const CHAT_SNAPSHOT_SIZE = 50;

/** Messages asked for per earlier page (the api allows up to `chat.MAX_PAGE`, 100). */
export const CHAT_PAGE_SIZE = 50;

export interface EarlierChat {
  /** Messages older than the live list, oldest first: loaded pages, and what the cap let go of since. */
  messages: readonly ChatMessage[];
  /** The first message of the chat is shown: there is nothing older to load. */
  beginning: boolean;
  /** The live list this was last brought up to date with (see `followLatest`). */
  latest: readonly ChatMessage[];
}

/**
 * Nothing loaded yet. A live list shorter than a full snapshot is the whole chat: the
 * snapshot held every message, and the cap has not trimmed anything (that takes
 * `CHAT_MESSAGES_KEPT` messages).
 */
export function startEarlierChat(latest: readonly ChatMessage[]): EarlierChat {
  return { messages: [], beginning: latest.length < CHAT_SNAPSHOT_SIZE, latest };
}

/** The `before` for the next older page: the oldest seq shown; null when there is nothing older. */
export function nextBefore(earlier: EarlierChat, latest: readonly ChatMessage[]): number | null {
  if (earlier.beginning) return null;
  const oldest = Math.min(earlier.messages[0]?.seq ?? Infinity, latest[0]?.seq ?? Infinity);
  return Number.isFinite(oldest) ? oldest : null;
}

/** Adds a page (newest first, as the api sends it); a page without `next_before` reached the beginning. */
export function addPage(earlier: EarlierChat, page: ChatHistory): EarlierChat {
  return { ...earlier, messages: mergeBySeq(earlier.messages, page.items), beginning: page.next_before === null };
}

/**
 * Brings `earlier` up to date with the live list; returns `earlier` itself when the list
 * is the same. Messages the cap let go of are kept once a page is loaded (else a hole
 * would open below it); before that they are let go, and the chat no longer starts at
 * its beginning.
 */
export function followLatest(earlier: EarlierChat, latest: readonly ChatMessage[]): EarlierChat {
  if (latest === earlier.latest) return earlier;
  const live = new Set(latest.map((message) => message.id));
  const oldest = latest[0]?.seq ?? Infinity;
  const dropped = earlier.latest.filter((message) => !live.has(message.id) && message.seq < oldest);
  if (dropped.length === 0) return { ...earlier, latest };
  if (earlier.messages.length === 0) return { ...earlier, beginning: false, latest };
  return { ...earlier, messages: mergeBySeq(earlier.messages, dropped), latest };
}

/** What the chat shows: earlier messages, then the live list, in seq order, each once. */
export function chatMessages(
  earlier: EarlierChat,
  latest: readonly ChatMessage[],
  changes: ChatChanges,
): readonly ChatMessage[] {
  if (earlier.messages.length === 0) return latest;
  const older = earlier.messages.map((message) => withChange(message, changes[message.id]));
  return mergeBySeq(older, latest);
}

/**
 * The pinned list: the live one, plus earlier messages the feed pinned (the reducer could
 * not list them: it never had their text). Most recently pinned first, as `/state` lists
 * them: pins the feed told of (by seq) before the snapshot's.
 */
export function pinnedMessages(
  pinned: readonly ChatMessage[],
  earlier: EarlierChat,
  changes: ChatChanges,
): readonly ChatMessage[] {
  const listed = new Set(pinned.map((message) => message.id));
  const more = earlier.messages
    .filter((message) => !listed.has(message.id) && isPinnedBy(changes[message.id]))
    .map((message) => ({ ...message, pinned: true }));
  if (more.length === 0) return pinned;
  const pinnedAt = (message: ChatMessage) => {
    const change = changes[message.id];
    return isPinnedBy(change) ? change.seq : -1;
  };
  // A stable sort: the snapshot's pins (-1) keep their order.
  return [...pinned, ...more].sort((a, b) => pinnedAt(b) - pinnedAt(a));
}

function isPinnedBy(change: ChatChange | undefined): change is ChatChange {
  return change !== undefined && change.pinned && !change.deleted;
}

/** A message as the feed's latest word on it leaves it. */
function withChange(message: ChatMessage, change: ChatChange | undefined): ChatMessage {
  if (change === undefined || message.deleted) return message;
  if (change.deleted) return { ...message, body: "", deleted: true, pinned: false };
  return message.pinned === change.pinned ? message : { ...message, pinned: change.pinned };
}

/** `base` and `incoming` in seq order, each message once (`incoming`'s copy wins). */
function mergeBySeq(base: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  const byId = new Map<string, ChatMessage>();
  for (const message of base) byId.set(message.id, message);
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}
