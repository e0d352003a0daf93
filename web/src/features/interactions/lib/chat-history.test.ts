import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../api/types";
import type { ChatChanges } from "../../../events/interactions";
import { aChatMessage as aMessage } from "../testing/fixtures";
import {
  CHAT_SNAPSHOT_SIZE,
  type EarlierChat,
  addPage,
  chatMessages,
  followLatest,
  nextBefore,
  pinnedMessages,
  startEarlierChat,
} from "./chat-history";

/** Messages with seqs `from`..`to`, oldest first. */
const range = (from: number, to: number): ChatMessage[] =>
  Array.from({ length: to - from + 1 }, (_, index) => aMessage(from + index));
/** A page as the api answers: newest first. */
const page = (messages: ChatMessage[], nextBeforeSeq: number | null) => ({
  items: [...messages].reverse(),
  next_before: nextBeforeSeq,
});
const seqs = (messages: readonly ChatMessage[]) => messages.map((message) => message.seq);

const fullSnapshot = range(101, 100 + CHAT_SNAPSHOT_SIZE);

describe("startEarlierChat", () => {
  it("knows a short chat is all there is, and that a full snapshot may have more before it", () => {
    expect(startEarlierChat(range(1, 3)).beginning).toBe(true);
    expect(nextBefore(startEarlierChat(range(1, 3)), range(1, 3))).toBeNull();
    expect(nextBefore(startEarlierChat([]), [])).toBeNull();

    const full = startEarlierChat(fullSnapshot);
    expect(full.beginning).toBe(false);
    expect(nextBefore(full, fullSnapshot)).toBe(101);
  });
});

describe("addPage", () => {
  it("puts a page before the live list in seq order, asks before its oldest next, and stops at the beginning", () => {
    const one = addPage(startEarlierChat(fullSnapshot), page(range(51, 100), 51));
    expect(seqs(one.messages)).toEqual(seqs(range(51, 100)));
    expect(nextBefore(one, fullSnapshot)).toBe(51);
    expect(seqs(chatMessages(one, fullSnapshot, {}))).toEqual(seqs(range(51, 150)));

    const two = addPage(one, page(range(1, 50), null));
    expect(two.beginning).toBe(true);
    expect(nextBefore(two, fullSnapshot)).toBeNull();
    expect(seqs(chatMessages(two, fullSnapshot, {}))).toEqual(seqs(range(1, 150)));
  });

  it("shows a message that is both in a page and in the live list once, as the live list has it", () => {
    const latest = [aMessage(100, { pinned: true }), ...range(101, 149)];
    const loaded = addPage(startEarlierChat(latest), page(range(90, 100), 90));
    const shown = chatMessages(loaded, latest, {});
    expect(seqs(shown)).toEqual(seqs(range(90, 149)));
    expect(shown.find((message) => message.seq === 100)?.pinned).toBe(true);
    // The same page twice (a retry that had in fact arrived) adds nothing.
    expect(seqs(addPage(loaded, page(range(90, 100), 90)).messages)).toEqual(seqs(loaded.messages));
  });
});

describe("the feed's deletions and pins", () => {
  const loaded = addPage(startEarlierChat(fullSnapshot), page(range(91, 100), 91));

  it("reach loaded messages", () => {
    const changes: ChatChanges = {
      "message-92": { seq: 160, deleted: true, pinned: false },
      "message-93": { seq: 161, deleted: false, pinned: true },
    };
    const shown = chatMessages(loaded, fullSnapshot, changes);
    expect(shown.find((message) => message.seq === 92)).toMatchObject({ deleted: true, body: "", pinned: false });
    expect(shown.find((message) => message.seq === 93)).toMatchObject({ pinned: true, body: "Message 93" });
    expect(shown.find((message) => message.seq === 94)).toBe(loaded.messages[3]);
  });

  it("unpin a message a page had as pinned", () => {
    const withPin = addPage(startEarlierChat(fullSnapshot), page([aMessage(99, { pinned: true })], 99));
    const shown = chatMessages(withPin, fullSnapshot, { "message-99": { seq: 170, deleted: false, pinned: false } });
    expect(shown[0]).toMatchObject({ seq: 99, pinned: false });
  });

  it("list a loaded message pinned live among the pins, most recent first", () => {
    const snapshotPin = aMessage(20, { pinned: true });
    const livePin = aMessage(120, { pinned: true });
    const livePinned = { seq: 165, deleted: false, pinned: true };
    const changes: ChatChanges = {
      "message-95": { seq: 160, deleted: false, pinned: true },
      "message-120": livePinned,
      "message-96": { seq: 166, deleted: true, pinned: false },
    };
    const pinned = pinnedMessages([livePin, snapshotPin], loaded, changes);
    expect(pinned.map((message) => message.id)).toEqual(["message-120", "message-95", "message-20"]);
    expect(pinned[1]?.pinned).toBe(true);
    // Nothing to add: the live list as it is.
    const live = [livePin];
    expect(pinnedMessages(live, loaded, { "message-120": livePinned })).toBe(live);
  });
});

describe("followLatest and the live list's cap", () => {
  it("changes nothing while the live list is the same", () => {
    const earlier = startEarlierChat(fullSnapshot);
    expect(followLatest(earlier, fullSnapshot)).toBe(earlier);
  });

  it("keeps a loaded page, and what the cap lets go of after it, so no hole opens", () => {
    const loaded: EarlierChat = addPage(startEarlierChat(fullSnapshot), page(range(91, 100), 91));
    // A live message arrives: nothing is trimmed, the page stays.
    const appended = [...fullSnapshot, aMessage(151)];
    const one = followLatest(loaded, appended);
    expect(seqs(one.messages)).toEqual(seqs(range(91, 100)));
    // The cap lets go of 101–102 when 153 arrives: they join the earlier messages.
    const trimmed = [...range(103, 150), aMessage(151), aMessage(152), aMessage(153)];
    const two = followLatest(one, trimmed);
    expect(seqs(two.messages)).toEqual(seqs(range(91, 102)));
    expect(seqs(chatMessages(two, trimmed, {}))).toEqual(seqs(range(91, 153)));
    expect(nextBefore(two, trimmed)).toBe(91);
  });

  it("lets go as before when no page was loaded, and no longer claims the beginning", () => {
    const short = range(1, 10);
    const earlier = startEarlierChat(short);
    expect(earlier.beginning).toBe(true);
    const trimmed = range(2, 11);
    const next = followLatest(earlier, trimmed);
    expect(next.messages).toEqual([]);
    expect(next.beginning).toBe(false);
    expect(nextBefore(next, trimmed)).toBe(2);
  });

  it("keeps messages deleted or pinned in the live list as they were when let go of", () => {
    const latest = [aMessage(101, { deleted: true, body: "" }), ...range(102, 150)];
    const loaded = addPage(startEarlierChat(latest), page(range(91, 100), 91));
    const next = followLatest(loaded, range(102, 151));
    expect(next.messages.at(-1)).toMatchObject({ seq: 101, deleted: true, body: "" });
  });
});
