/**
 * The chat panel's earlier messages as one state, moved by what happens to it: the live
 * list changed, a page was asked for, arrived, or failed. Pure, so `useEarlierChat` is a
 * thin hook over it; which pages and messages there are is `chat-history.ts`'s business.
 */
import type { ProblemError } from "../../../api/problem";
import type { ChatHistory, ChatMessage } from "../../../api/types";
import { type EarlierChat, addPage, followLatest, startEarlierChat } from "./chat-history";

export interface EarlierChatState {
  earlier: EarlierChat;
  /** A page is on its way. */
  loading: boolean;
  /** Why the last page could not be loaded; cleared when the reader asks again. */
  failure: ProblemError | null;
}

export type EarlierChatEvent =
  | { type: "latest-changed"; latest: readonly ChatMessage[] }
  | { type: "page-asked" }
  | { type: "page-loaded"; page: ChatHistory }
  | { type: "page-failed"; failure: ProblemError };

export function initialEarlierChat(latest: readonly ChatMessage[]): EarlierChatState {
  return { earlier: startEarlierChat(latest), loading: false, failure: null };
}

/** The next state; `state` itself when nothing changed (the live list is the one it follows). */
export function reduceEarlierChat(state: EarlierChatState, event: EarlierChatEvent): EarlierChatState {
  switch (event.type) {
    case "latest-changed": {
      const earlier = followLatest(state.earlier, event.latest);
      return earlier === state.earlier ? state : { ...state, earlier };
    }
    case "page-asked":
      return { ...state, loading: true, failure: null };
    case "page-loaded":
      return { earlier: addPage(state.earlier, event.page), loading: false, failure: null };
    case "page-failed":
      return { ...state, loading: false, failure: event.failure };
  }
}
