// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json, noContent, problem } from "../../../api/testing/fake-fetch";
import { aUser } from "../../../api/testing/fixtures";
import { EMPTY_CHAT } from "../../../events/interactions";
import type { FeedSnapshot } from "../../../events/session-feed";
import { anEvent } from "../../../events/testing/fake-event-log";
import { aChatMessage, aPoll, aQuestion } from "../testing/fixtures";
import { renderInteractions } from "../testing/render-interactions";

afterEach(cleanup);

const student = aUser({ id: "user-grace", display_name: "Grace Hopper" });
const otherStudent = aUser({ id: "user-alan", display_name: "Alan Turing" });
const teacher = aUser({ id: "user-ada", display_name: "Ada Lovelace" });
const base = "/api/v1/sessions/session-1";

const chatWith = (...messages: ReturnType<typeof aChatMessage>[]) => ({ chat: { ...EMPTY_CHAT, latest: messages } });
const messageList = () => screen.getByRole("log", { name: "Chat messages" });
const messageItem = (text: string) =>
  within(messageList())
    .getAllByRole("listitem")
    .find((item) => item.textContent?.includes(text));

describe("chat, as a student", () => {
  it("sends with Enter, shows messages as plain text, and offers Delete on my own messages only", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on("POST", `${base}/chat`, json(201, aChatMessage(5, { body: "Hello" })));
    const view = await renderInteractions({
      viewer: student,
      staff: false,
      fake,
      state: chatWith(aChatMessage(3, { author_id: "user-alan", author_name: "Alan Turing", body: "<b>bold?</b>" })),
    });

    // Text, never markup.
    expect(within(messageList()).getByText("<b>bold?</b>")).toBeTruthy();
    expect(messageList().querySelector("b")).toBeNull();
    expect(within(messageList()).queryByRole("button")).toBeNull();

    const box = screen.getByRole("textbox", { name: "Message" });
    await user.type(box, "  Hello  {Enter}");
    await waitFor(() => expect(fake.calls("POST", `${base}/chat`)).toHaveLength(1));
    const sent = fake.calls("POST", `${base}/chat`)[0];
    expect(sent?.body).toEqual({ body: "Hello" });
    expect(sent?.headers.get("Idempotency-Key")).toBeTruthy();
    await waitFor(() => expect((box as HTMLTextAreaElement).value).toBe(""));

    view.deliver(anEvent(5, "chat.message_posted", { message: aChatMessage(5, { body: "Hello" }) }));
    const mine = messageItem("Hello");
    expect(mine?.textContent).toContain("Grace Hopper (you)");
    expect(within(mine as HTMLElement).getByRole("button", { name: "Delete" })).toBeTruthy();
    expect(within(mine as HTMLElement).queryByRole("button", { name: /Pin|Mute/ })).toBeNull();
    // No slow-mode control for students.
    expect(screen.queryByLabelText("Slow mode")).toBeNull();

    // A message deleted by a moderator loses its text for everyone.
    view.deliver(anEvent(6, "chat.message_deleted", { message_id: "message-3", by: "user-ada" }));
    expect(screen.queryByText("<b>bold?</b>")).toBeNull();
    expect(within(messageList()).getByText("Message deleted")).toBeTruthy();
  });

  it("keeps Shift+Enter for a new line", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch();
    await renderInteractions({ viewer: student, staff: false, fake });
    const box = screen.getByRole<HTMLTextAreaElement>("textbox", { name: "Message" });
    await user.type(box, "one{Shift>}{Enter}{/Shift}two");
    expect(box.value).toBe("one\ntwo");
    expect(fake.calls("POST", `${base}/chat`)).toHaveLength(0);
  });

  it("says how long slow mode asks to wait, and holds the Send button until then", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on(
      "POST",
      `${base}/chat`,
      problem(429, "slow-mode", "Slow mode is on: one message every 30 s. Try again in 5 s.", {}, { "Retry-After": "5" }),
    );
    await renderInteractions({ viewer: student, staff: false, fake, state: { chat: { ...EMPTY_CHAT, slow_mode_seconds: 30 } } });
    expect(screen.getByText("Slow mode is on: one message every 30 s.")).toBeTruthy();
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Again{Enter}");
    expect((await screen.findByRole("alert")).textContent).toBe("Slow mode: wait 5 s before sending again.");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: /Wait \d s/ }).disabled).toBe(true);
  });

  it("shows the api's sentence when muted, and a mute the feed announces disables the box", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on(
      "POST",
      `${base}/chat`,
      problem(403, "muted", "You are muted in this class until 10:32 UTC. You can still read the chat."),
    );
    const view = await renderInteractions({ viewer: student, staff: false, fake });
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Hi{Enter}");
    expect((await screen.findByRole("alert")).textContent).toContain("You are muted in this class until 10:32 UTC.");

    view.deliver(anEvent(4, "chat.user_muted", { user_id: "user-grace", until: null }));
    expect(screen.getByText("A moderator muted you for the rest of the class.")).toBeTruthy();
    expect(screen.getByRole<HTMLTextAreaElement>("textbox", { name: "Message" }).disabled).toBe(true);
    view.deliver(anEvent(5, "chat.user_unmuted", { user_id: "user-grace" }));
    expect(screen.getByRole<HTMLTextAreaElement>("textbox", { name: "Message" }).disabled).toBe(false);
  });
});

describe("chat, as a moderator", () => {
  it("pins, deletes, mutes for a chosen time, and sets slow mode", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch()
      .on("POST", `${base}/chat/message-3/pin`, json(200, aChatMessage(3, { pinned: true })))
      .on("DELETE", `${base}/chat/message-3`, noContent())
      .on("POST", `${base}/mutes`, json(200, { user_id: "user-grace", until: "2026-11-25T10:15:00Z" }))
      .on("POST", `${base}/chat/slow-mode`, json(200, { seconds: 30 }))
      .on("GET", `${base}/polls`, json(200, { items: [] }));
    const view = await renderInteractions({ viewer: teacher, staff: true, fake, state: chatWith(aChatMessage(3)) });

    const message = messageItem("Message 3") as HTMLElement;
    await user.click(within(message).getByRole("button", { name: "Pin" }));
    expect(fake.calls("POST", `${base}/chat/message-3/pin`)[0]?.body).toEqual({ pinned: true });
    view.deliver(anEvent(4, "chat.message_pinned", { message_id: "message-3", pinned: true }));
    expect(within(screen.getByRole("region", { name: "Pinned messages" })).getByText("Message 3")).toBeTruthy();

    await user.click(within(message).getByRole("button", { name: "Mute…" }));
    const picker = screen.getByRole("form", { name: "Mute Grace Hopper" });
    await user.selectOptions(within(picker).getByLabelText("Mute Grace Hopper for"), "15 minutes");
    await user.click(within(picker).getByRole("button", { name: "Mute" }));
    expect(fake.calls("POST", `${base}/mutes`)[0]?.body).toEqual({ user_id: "user-grace", minutes: 15 });
    view.deliver(anEvent(5, "chat.user_muted", { user_id: "user-grace", until: "2026-11-25T10:15:00Z" }));
    expect(within(message).getByRole("button", { name: "Unmute" })).toBeTruthy();

    await user.selectOptions(screen.getByLabelText("Slow mode"), "30 s");
    expect(fake.calls("POST", `${base}/chat/slow-mode`)[0]?.body).toEqual({ seconds: 30 });

    await user.click(within(message).getByRole("button", { name: "Delete" }));
    expect(fake.calls("DELETE", `${base}/chat/message-3`)).toHaveLength(1);
  });

  it("shows why a moderation action failed", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch()
      .on("DELETE", `${base}/chat/message-3`, problem(403, "forbidden", "Only hosts and moderators can do that."))
      .on("GET", `${base}/polls`, json(200, { items: [] }));
    await renderInteractions({ viewer: teacher, staff: true, fake, state: chatWith(aChatMessage(3)) });
    await user.click(within(messageItem("Message 3") as HTMLElement).getByRole("button", { name: "Delete" }));
    expect((await screen.findByRole("alert")).textContent).toContain(
      "Couldn't delete the message. Only hosts and moderators can do that.",
    );
  });
});

describe("tabs", () => {
  it("moves with the arrow keys and counts open questions", async () => {
    const user = userEvent.setup();
    await renderInteractions({
      viewer: student,
      staff: false,
      state: { questions: [aQuestion(2), aQuestion(3, { status: "answered" })] },
    });
    const chat = screen.getByRole("tab", { name: "Chat" });
    expect(chat.getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("tab", { name: /^Q&A/ }).textContent).toBe("Q&A 1 open");
    chat.focus();
    await user.keyboard("{ArrowRight}");
    expect(document.activeElement).toBe(screen.getByRole("tab", { name: /^Q&A/ }));
    expect(screen.getByRole("tabpanel").textContent).toContain("Your question");
    await user.keyboard("{End}");
    expect(screen.getByRole("tab", { name: /^Polls/ }).getAttribute("aria-selected")).toBe("true");
    await user.keyboard("{ArrowRight}");
    expect(screen.getByRole("tab", { name: "Chat" }).getAttribute("aria-selected")).toBe("true");
  });

  it("says when live updates are late", async () => {
    const feed: FeedSnapshot = {
      status: "reconnecting",
      offlineReason: null,
      lastSeq: 3,
      lastEventAt: null,
      lastHeardAt: Date.now() - 12_000,
      role: "participant",
      reconnectAttempts: 2,
      nextRetryAt: null,
    };
    await renderInteractions({ viewer: student, staff: false, feed });
    expect(screen.getByText(/Live updates paused: reconnecting\. Last update 1\d s ago\./)).toBeTruthy();
  });
});

describe("Q&A", () => {
  it("lists by votes then age, asks anonymously, and toggles my upvote; no staff controls", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch()
      .on("POST", `${base}/questions`, json(201, aQuestion(9, { anonymous: true })))
      .on("POST", `${base}/questions/question-2/vote`, json(200, aQuestion(2, { voted: true, upvotes: 2 })))
      .on("DELETE", `${base}/questions/question-2/vote`, json(200, aQuestion(2, { voted: false, upvotes: 1 })));
    const view = await renderInteractions({
      viewer: otherStudent,
      staff: false,
      fake,
      state: {
        questions: [
          aQuestion(2, { upvotes: 1, body: "Older, one vote" }),
          aQuestion(3, { upvotes: 3, body: "Most votes" }),
          aQuestion(4, { upvotes: 1, body: "Newer, one vote" }),
          aQuestion(5, { status: "dismissed", body: "Dismissed" }),
        ],
      },
    });
    await user.click(screen.getByRole("tab", { name: /^Q&A/ }));
    const open = screen.getByRole("region", { name: /^Open questions/ });
    const bodies = within(open)
      .getAllByRole("listitem")
      .map((item) => item.querySelector(".qa__body")?.textContent);
    expect(bodies).toEqual(["Most votes", "Older, one vote", "Newer, one vote"]);
    expect(screen.queryByText("Dismissed")).toBeNull();
    expect(screen.queryByRole("button", { name: /Answer|Dismiss|Reopen/ })).toBeNull();

    await user.type(screen.getByLabelText("Your question"), "Why is ATP needed?");
    await user.click(screen.getByLabelText("Ask anonymously"));
    await user.click(screen.getByRole("button", { name: "Ask" }));
    expect(fake.calls("POST", `${base}/questions`)[0]?.body).toEqual({ body: "Why is ATP needed?", anonymous: true });

    const older = within(open).getAllByRole("listitem")[1] as HTMLElement;
    await user.click(within(older).getByRole("button", { name: "Upvote" }));
    expect(fake.calls("POST", `${base}/questions/question-2/vote`)).toHaveLength(1);
    view.deliver(anEvent(10, "qa.vote_cast", { question_id: "question-2", user_id: "user-alan" }));
    const voted = screen.getByRole("button", { name: "Upvoted" });
    expect(voted.getAttribute("aria-pressed")).toBe("true");
    expect(voted.closest("li")?.textContent).toContain("2 votes");
    await user.click(voted);
    expect(fake.calls("DELETE", `${base}/questions/question-2/vote`)).toHaveLength(1);
  });

  it("lets staff answer (with an optional text), dismiss and reopen, and see who asked anonymously", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch()
      .on("POST", `${base}/questions/question-2/answer`, json(200, aQuestion(2, { status: "answered" })))
      .on("POST", `${base}/questions/question-3/dismiss`, json(200, aQuestion(3, { status: "dismissed" })))
      .on("POST", `${base}/questions/question-3/reopen`, json(200, aQuestion(3)))
      .on("GET", `${base}/polls`, json(200, { items: [] }));
    const view = await renderInteractions({
      viewer: teacher,
      staff: true,
      fake,
      state: { questions: [aQuestion(2, { anonymous: true, body: "Anonymous one" }), aQuestion(3, { body: "Another" })] },
    });
    await user.click(screen.getByRole("tab", { name: /^Q&A/ }));
    expect(screen.queryByLabelText("Your question")).toBeNull();
    expect(screen.getByText(/Grace Hopper \(anonymous to students\)/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Upvote/ })).toBeNull();

    const first = screen.getByText("Anonymous one").closest("li") as HTMLElement;
    await user.click(within(first).getByRole("button", { name: "Answer" }));
    await user.type(within(first).getByLabelText("Answer (optional)"), "In the stroma.");
    await user.click(within(first).getByRole("button", { name: "Mark answered" }));
    expect(fake.calls("POST", `${base}/questions/question-2/answer`)[0]?.body).toEqual({ text: "In the stroma." });
    view.deliver(
      anEvent(4, "qa.question_answered", {
        question_id: "question-2",
        answer_text: "In the stroma.",
        answered_at: "2026-11-25T10:10:00Z",
      }),
    );
    const answered = screen.getByRole("region", { name: /^Answered/ });
    expect(within(answered).getByText("In the stroma.")).toBeTruthy();

    const second = screen.getByText("Another").closest("li") as HTMLElement;
    await user.click(within(second).getByRole("button", { name: "Dismiss" }));
    expect(fake.calls("POST", `${base}/questions/question-3/dismiss`)).toHaveLength(1);
    view.deliver(anEvent(5, "qa.question_dismissed", { question_id: "question-3" }));
    const dismissed = screen.getByRole("region", { name: /^Dismissed/ });
    await user.click(within(dismissed).getByRole("button", { name: "Reopen" }));
    expect(fake.calls("POST", `${base}/questions/question-3/reopen`)).toHaveLength(1);
  });
});

describe("polls, as staff", () => {
  it("drafts a quiz (checked before sending), opens it, follows the tally, closes it and shows the results", async () => {
    const user = userEvent.setup();
    const draft = aPoll({ id: "poll-9", kind: "quiz", status: "draft", correct_option_ids: ["b"], counts: {}, total_votes: 0 });
    const opened = { ...draft, status: "open" as const, opened_at: "2026-11-25T10:05:00Z" };
    const closed = { ...opened, status: "closed" as const, closed_at: "2026-11-25T10:09:00Z", counts: { a: 0, b: 2 }, total_votes: 2 };
    const fake = new FakeFetch()
      .on("GET", `${base}/polls`, json(200, { items: [] }), json(200, { items: [opened] }), json(200, { items: [closed] }))
      .on("POST", `${base}/polls`, json(201, draft))
      .on("POST", `${base}/polls/poll-9/open`, json(200, opened))
      .on("POST", `${base}/polls/poll-9/close`, json(200, closed))
      .on("POST", `${base}/polls/poll-9/results`, json(200, { ...closed, results_visible: true }));
    const view = await renderInteractions({ viewer: teacher, staff: true, fake });
    await user.click(screen.getByRole("tab", { name: /^Polls/ }));
    expect(await screen.findByText("No polls yet")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "New poll" }));
    const form = screen.getByRole("form", { name: "New poll" });
    await user.click(within(form).getByRole("button", { name: "Save draft" }));
    expect(within(form).getByText("Write the question students will answer.")).toBeTruthy();
    expect(fake.calls("POST", `${base}/polls`)).toHaveLength(0);

    await user.type(within(form).getByLabelText("Question"), "Which stage makes glucose?");
    await user.click(within(form).getByLabelText("Quiz"));
    await user.type(within(form).getByLabelText("Option 1"), "Light reactions");
    await user.type(within(form).getByLabelText("Option 2"), "Calvin cycle");
    await user.click(within(form).getByRole("button", { name: "Add option" }));
    await user.type(within(form).getByLabelText("Option 3"), "Glycolysis");
    await user.click(within(form).getByRole("button", { name: "Save draft" }));
    expect(within(form).getByText("Mark the right answer.")).toBeTruthy();
    await user.click(within(form).getByLabelText(/Right answer: option 2/));
    await user.click(within(form).getByRole("button", { name: "Remove option 3" }));
    await user.click(within(form).getByRole("button", { name: "Save draft" }));
    expect(fake.calls("POST", `${base}/polls`)[0]?.body).toEqual({
      question: "Which stage makes glucose?",
      kind: "quiz",
      options: ["Light reactions", "Calvin cycle"],
      correct_option_indexes: [1],
      anonymous: false,
    });

    await user.click(await screen.findByRole("button", { name: "Open poll" }));
    expect(fake.calls("POST", `${base}/polls/poll-9/open`)).toHaveLength(1);
    view.deliver(anEvent(4, "poll.opened", { poll: { ...opened, counts: null, total_votes: null, correct_option_ids: null } }));
    view.deliver(anEvent(5, "poll.tally", { poll_id: "poll-9", counts: { a: 1, b: 1 }, total_votes: 2 }));
    const tally = await screen.findByRole("list", { name: "Live tally" });
    await waitFor(() => expect(screen.getByText("2 people voted")).toBeTruthy());
    expect(tally.textContent).toContain("1 vote · 50%");
    expect(screen.getByText("Which stage makes glucose?").closest("li")?.textContent).toContain("Right answer");

    await user.click(screen.getByRole("button", { name: "Close poll" }));
    expect(fake.calls("POST", `${base}/polls/poll-9/close`)).toHaveLength(1);
    await user.click(await screen.findByRole("button", { name: "Show results to students" }));
    expect(fake.calls("POST", `${base}/polls/poll-9/results`)[0]?.body).toEqual({ visible: true });
  }, 30_000);

  it("shows a refused open (another poll is open) in words", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch()
      .on("GET", `${base}/polls`, json(200, { items: [aPoll({ id: "poll-2", status: "draft", counts: {}, total_votes: 0 })] }))
      .on("POST", `${base}/polls/poll-2/open`, problem(409, "poll-already-open", "Close the open poll first."));
    await renderInteractions({ viewer: teacher, staff: true, fake });
    await user.click(screen.getByRole("tab", { name: /^Polls/ }));
    await user.click(await screen.findByRole("button", { name: "Open poll" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Couldn't open the poll. Close the open poll first.");
  });
});

describe("polls, as a student", () => {
  it("votes, changes the vote, sees results when shown, and learns the quiz's answer on close", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on("PUT", `${base}/polls/poll-1/vote`, json(200, aPoll({ my_vote: ["a"] })));
    const view = await renderInteractions({ viewer: student, staff: false, fake, state: { poll: null } });
    await user.click(screen.getByRole("tab", { name: /^Polls/ }));
    expect(screen.getByText("No poll right now")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Open poll|New poll/ })).toBeNull();

    view.deliver(anEvent(2, "poll.opened", { poll: aPoll({ kind: "quiz" }) }));
    expect(screen.getByRole("tab", { name: /^Polls/ }).textContent).toContain("open");
    await user.click(screen.getByLabelText("Calvin cycle"));
    await user.click(screen.getByRole("button", { name: "Vote" }));
    expect(fake.calls("PUT", `${base}/polls/poll-1/vote`)[0]?.body).toEqual({ option_ids: ["a"] });
    view.deliver(anEvent(3, "poll.vote_cast", { poll_id: "poll-1", option_ids: ["a"] }));
    expect(screen.getByText("Your vote is in. You can change it while the poll is open.")).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Change vote" }).disabled).toBe(true);
    await user.click(screen.getByLabelText("Light reactions"));
    await user.click(screen.getByRole("button", { name: "Change vote" }));
    expect(fake.calls("PUT", `${base}/polls/poll-1/vote`)[1]?.body).toEqual({ option_ids: ["b"] });
    view.deliver(anEvent(4, "poll.vote_cast", { poll_id: "poll-1", option_ids: ["b"] }));
    expect(screen.queryByRole("list", { name: "Results" })).toBeNull();

    view.deliver(anEvent(5, "poll.results_shown", { poll_id: "poll-1", visible: true, counts: { a: 3, b: 1 }, total_votes: 4 }));
    expect(screen.getByRole("list", { name: "Results" }).textContent).toContain("3 votes · 75%");

    view.deliver(
      anEvent(6, "poll.closed", {
        poll_id: "poll-1",
        closed_at: "2026-11-25T10:09:00Z",
        correct_option_ids: ["a"],
        counts: { a: 3, b: 1 },
        total_votes: 4,
      }),
    );
    expect(screen.getByText("This poll is closed.")).toBeTruthy();
    expect(screen.getByText("Not quite: the right answer is Calvin cycle.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Vote|Change vote/ })).toBeNull();
  });

  it("shows why a vote was refused", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on("PUT", `${base}/polls/poll-1/vote`, problem(409, "poll-not-open", "This poll is closed."));
    await renderInteractions({ viewer: student, staff: false, fake, state: { poll: aPoll() } });
    await user.click(screen.getByRole("tab", { name: /^Polls/ }));
    await user.click(screen.getByLabelText("Calvin cycle"));
    await user.click(screen.getByRole("button", { name: "Vote" }));
    expect((await screen.findByRole("alert")).textContent).toBe("This poll is closed.");
  });
});
