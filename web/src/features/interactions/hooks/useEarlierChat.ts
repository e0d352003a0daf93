import { useEffect, useMemo, useReducer, useRef } from "react";
import { type ProblemError, toProblemError } from "../../../api/problem";
import type { ChatMessage, ChatSnapshot } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import type { ChatChanges } from "../../../events/interactions";
import { CHAT_PAGE_SIZE, chatMessages, nextBefore, pinnedMessages } from "../lib/chat-history";
import { type EarlierChatEvent, initialEarlierChat, reduceEarlierChat } from "../lib/earlier-chat";
import { chatHistory } from "../lib/interactions-api";

/** Earlier pages of the chat, as the panel shows them (see `lib/chat-history.ts`). */
export interface EarlierChatView {
  /** Every message to show, oldest first: loaded pages, then the live list. */
  messages: readonly ChatMessage[];
  pinned: readonly ChatMessage[];
  /** There may be older messages to load. */
  more: boolean;
  /** The first message of the chat is shown. */
  beginning: boolean;
  loading: boolean;
  failure: ProblemError | null;
  load(): void;
}

/**
 * Loads earlier pages on request and keeps them in step with the live list: the feed's
 * deletions and pins reach them, and the live list's cap never drops them.
 */
export function useEarlierChat(sessionId: string, chat: ChatSnapshot, changes: ChatChanges): EarlierChatView {
  const api = useApi();
  const [stored, dispatch] = useReducer(reduceEarlierChat, chat.latest, initialEarlierChat);
  // Kept in step during render (not in an effect), so a message the cap lets go of is never missing for a frame.
  const latestChanged: EarlierChatEvent = { type: "latest-changed", latest: chat.latest };
  const state = reduceEarlierChat(stored, latestChanged);
  if (state !== stored) dispatch(latestChanged);
  const { earlier } = state;
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);

  const before = nextBefore(earlier, chat.latest);
  const messages = useMemo(() => chatMessages(earlier, chat.latest, changes), [earlier, chat.latest, changes]);
  const pinned = useMemo(() => pinnedMessages(chat.pinned, earlier, changes), [chat.pinned, earlier, changes]);

  async function load() {
    if (running.current !== null || before === null) return;
    const controller = new AbortController();
    running.current = controller;
    dispatch({ type: "page-asked" });
    try {
      const page = await chatHistory(api, sessionId, before, CHAT_PAGE_SIZE, controller.signal);
      if (!controller.signal.aborted) dispatch({ type: "page-loaded", page });
    } catch (error) {
      if (!controller.signal.aborted) dispatch({ type: "page-failed", failure: toProblemError(error) });
    } finally {
      running.current = null;
    }
  }

  return {
    messages,
    pinned,
    more: before !== null,
    beginning: earlier.beginning,
    loading: state.loading,
    failure: state.failure,
    load: () => void load(),
  };
}
