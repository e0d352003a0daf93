// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, type Responder, json, problem } from "../../../api/testing/fake-fetch";
import { aUser } from "../../../api/testing/fixtures";
import type { ChatMessage } from "../../../api/types";
import { EMPTY_CHAT } from "../../../events/interactions";
import { anEvent } from "../../../events/testing/fake-event-log";
import { aChatMessage } from "../testing/fixtures";
import { renderInteractions } from "../testing/render-interactions";

afterEach(cleanup);

const student = aUser({ id: "user-grace", display_name: "Grace Hopper" });
const base = "/api/v1/sessions/session-1";

/** Messages with seqs `from`..`to`, oldest first. */
const range = (from: number, to: number): ChatMessage[] =>
  Array.from({ length: to - from + 1 }, (_, index) => aChatMessage(from + index));
/** A history page as the api answers it: newest first. */
const aPage = (messages: ChatMessage[], nextBefore: number | null) =>
  json(200, { items: [...messages].reverse(), next_before: nextBefore });
/** A full snapshot: the last 50 messages of a longer chat. */
const snapshot = () => ({ chat: { ...EMPTY_CHAT, latest: range(101, 150) } });

const messageList = () => screen.getByRole("log", { name: "Chat messages" });
// Not by role: querying 500 list items by role is slow in jsdom.
const shownBodies = () =>
  [...messageList().querySelectorAll(".chat__messages > li")].map((item) => item.querySelector(".chat__body")?.textContent);
const bodies = (from: number, to: number) => range(from, to).map((message) => message.body);
const loadButton = () => screen.getByRole("button", { name: "Load earlier messages" });

/** jsdom lays nothing out: give the list a height that grows with its messages. */
function measureList(list: HTMLElement) {
  Object.defineProperty(list, "scrollHeight", {
    configurable: true,
    get: () => list.querySelectorAll("li").length * 40,
  });
}

describe("earlier chat messages", () => {
  it("loads pages above the live messages, in order, keeping the reader's place, until the beginning", async () => {
    const user = userEvent.setup();
    let answer: (responder: Responder) => void = () => undefined;
    const pending: Responder = (request) =>
      new Promise<Responder>((resolve) => {
        answer = resolve;
      }).then((responder) => responder(request));
    const fake = new FakeFetch().on("GET", `${base}/chat`, pending, aPage(range(81, 90), null));
    await renderInteractions({ viewer: student, staff: false, fake, state: snapshot() });

    expect(shownBodies()).toEqual(bodies(101, 150));
    expect(screen.queryByText("Beginning of the chat")).toBeNull();

    // The reader scrolled to the top of 50 messages (2000 px).
    const list = messageList();
    measureList(list);
    list.scrollTop = 0;
    fireEvent.scroll(list);

    await user.click(loadButton());
    const loading = await screen.findByRole("button", { name: "Loading earlier messages…" });
    expect(loading.getAttribute("aria-disabled")).toBe("true");
    await user.click(loading);
    expect(fake.calls("GET", `${base}/chat?before=101&limit=50`)).toHaveLength(1);
    expect(fake.requests.filter((request) => request.method === "GET" && request.path.startsWith(`${base}/chat`))).toHaveLength(1);

    answer(aPage(range(91, 100), 91));
    await waitFor(() => expect(shownBodies()).toEqual(bodies(91, 150)));
    // Ten messages (400 px) went in above: what the reader saw stays where it was.
    expect(list.scrollTop).toBe(400);

    // By keyboard, from the button that kept its place.
    const button = loadButton();
    expect(document.activeElement).toBe(button);
    await user.keyboard("{Enter}");
    const marker = await screen.findByText("Beginning of the chat");
    expect(fake.calls("GET", `${base}/chat?before=91&limit=50`)).toHaveLength(1);
    expect(shownBodies()).toEqual(bodies(81, 150));
    expect(screen.queryByRole("button", { name: /earlier messages/ })).toBeNull();
    expect(document.activeElement).toBe(marker);
  });

  it("shows why a page could not be loaded, and tries again", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on(
      "GET",
      `${base}/chat`,
      problem(503, "service-unavailable", "The chat history is not available right now."),
      aPage(range(91, 100), 91),
    );
    await renderInteractions({ viewer: student, staff: false, fake, state: snapshot() });

    await user.click(loadButton());
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Couldn't load earlier messages. The chat history is not available right now.",
    );
    expect(shownBodies()).toEqual(bodies(101, 150));

    await user.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(shownBodies()).toEqual(bodies(91, 150)));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(fake.calls("GET", `${base}/chat?before=101&limit=50`)).toHaveLength(2);
    expect(loadButton()).toBeTruthy();
  });

  it("applies the feed's deletions and pins to loaded messages, and merges a message it already has once", async () => {
    const user = userEvent.setup();
    // The page overlaps the live list at 101 (the cap and the page crossed): shown once.
    const fake = new FakeFetch().on("GET", `${base}/chat`, aPage(range(91, 101), 91));
    const view = await renderInteractions({ viewer: student, staff: false, fake, state: snapshot() });
    await user.click(loadButton());
    await waitFor(() => expect(shownBodies()).toEqual(bodies(91, 150)));

    view.deliver(
      anEvent(151, "chat.message_deleted", { message_id: "message-95", by: "user-ada" }),
      anEvent(152, "chat.message_pinned", { message_id: "message-96", pinned: true }),
      anEvent(153, "chat.message_posted", { message: aChatMessage(153, { body: "Just now" }) }),
    );
    const shown = shownBodies();
    expect(shown[4]).toBe("Message deleted");
    expect(shown.at(-1)).toBe("Just now");
    expect(screen.queryByText("Message 95")).toBeNull();
    const pinned = screen.getByRole("region", { name: "Pinned messages" });
    expect(within(pinned).getByText("Message 96")).toBeTruthy();
    const item = within(messageList())
      .getAllByRole("listitem")
      .find((candidate) => candidate.textContent?.includes("Message 96"));
    expect(item?.textContent).toContain("Pinned");

    view.deliver(anEvent(154, "chat.message_pinned", { message_id: "message-96", pinned: false }));
    expect(screen.queryByRole("region", { name: "Pinned messages" })).toBeNull();
  });

  it("keeps loaded messages when the live list's cap lets its oldest go", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on("GET", `${base}/chat`, aPage(range(91, 100), 91));
    const view = await renderInteractions({ viewer: student, staff: false, fake, state: snapshot() });
    await user.click(loadButton());
    await waitFor(() => expect(shownBodies()).toEqual(bodies(91, 150)));

    // 460 live messages: the live list keeps its newest 500 (111–610) and lets 101–110 go.
    view.deliver(...range(151, 610).map((message) => anEvent(message.seq, "chat.message_posted", { message })));
    expect(shownBodies()).toEqual(bodies(91, 610));
    // Looked for above the messages only: a search of 500 list items by role is slow in jsdom.
    const top = messageList().firstElementChild as HTMLElement;
    expect(within(top).getByRole("button", { name: "Load earlier messages" })).toBeTruthy();
  }, 20_000);

  it("offers no button on a short chat: it is all there", async () => {
    await renderInteractions({
      viewer: student,
      staff: false,
      state: { chat: { ...EMPTY_CHAT, latest: range(1, 3) } },
    });
    expect(shownBodies()).toEqual(bodies(1, 3));
    expect(screen.getByText("Beginning of the chat")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /earlier messages/ })).toBeNull();
  });
});
