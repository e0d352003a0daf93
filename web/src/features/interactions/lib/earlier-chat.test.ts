import { describe, expect, it } from "vitest";
import { networkProblem } from "../../../api/problem";
import type { ChatMessage } from "../../../api/types";
import { aChatMessage } from "../testing/fixtures";
import { CHAT_SNAPSHOT_SIZE } from "./chat-history";
import { initialEarlierChat, reduceEarlierChat } from "./earlier-chat";

const range = (from: number, to: number): ChatMessage[] =>
  Array.from({ length: to - from + 1 }, (_, index) => aChatMessage(from + index));
const newestFirst = (messages: ChatMessage[], nextBefore: number | null) => ({
  items: [...messages].reverse(),
  next_before: nextBefore,
});
const full = range(101, 100 + CHAT_SNAPSHOT_SIZE);

describe("reduceEarlierChat", () => {
  it("asks, loads a page above the live list, and reaches the beginning", () => {
    const asked = reduceEarlierChat(initialEarlierChat(full), { type: "page-asked" });
    expect(asked).toMatchObject({ loading: true, failure: null });

    const loaded = reduceEarlierChat(asked, { type: "page-loaded", page: newestFirst(range(91, 100), 91) });
    expect(loaded.loading).toBe(false);
    expect(loaded.earlier.messages.map((message) => message.seq)).toEqual(range(91, 100).map((m) => m.seq));
    expect(loaded.earlier.beginning).toBe(false);

    const last = reduceEarlierChat(loaded, { type: "page-loaded", page: newestFirst(range(81, 90), null) });
    expect(last.earlier.beginning).toBe(true);
    expect(last.earlier.messages).toHaveLength(20);
  });

  it("keeps a failure until the reader asks again", () => {
    const failure = networkProblem();
    const failed = reduceEarlierChat(reduceEarlierChat(initialEarlierChat(full), { type: "page-asked" }), {
      type: "page-failed",
      failure,
    });
    expect(failed).toMatchObject({ loading: false, failure });
    expect(reduceEarlierChat(failed, { type: "page-asked" })).toMatchObject({ loading: true, failure: null });
  });

  it("is the same state when the live list did not change, and follows it when it did", () => {
    const start = initialEarlierChat(full);
    expect(reduceEarlierChat(start, { type: "latest-changed", latest: full })).toBe(start);

    const loaded = reduceEarlierChat(start, { type: "page-loaded", page: newestFirst(range(91, 100), 91) });
    // The cap let the two oldest live messages go: they join the earlier ones, no hole opens.
    const trimmed = [...full.slice(2), ...range(151, 152)];
    const followed = reduceEarlierChat(loaded, { type: "latest-changed", latest: trimmed });
    expect(followed.earlier.messages.map((message) => message.seq).slice(-2)).toEqual([101, 102]);
  });
});
