/**
 * Acceptance 2, 3, 4, 6 and 7 (spec 50): chat, Q&A and polls in a live class with one
 * teacher (in the studio) and two students (in the classroom, one on a phone-sized
 * screen), all through the real api and its live feed.
 *
 * The tests share one class and run in order. Student B's live socket goes through
 * `routeWebSocket`, so the test can cut it: `context.setOffline` stops HTTP but leaves
 * open WebSockets alone (microsoft/playwright#4910).
 */
import { type BrowserContext, type Locator, type Page, type WebSocketRoute } from "@playwright/test";
import { expect, test } from "./test";
import { PASSWORD, createStudentInvite, joinFromInvite, newPage, runId, signUpAndCreateCourse } from "./support";

// Under load a step can be slow; each test still has a bound.
test.describe.configure({ mode: "serial", timeout: 120_000 });

interface Person {
  page: Page;
  email: string;
  name: string;
}

interface ApiAnswer {
  status: number;
  body: unknown;
}

let teacher: Person;
let studentA: Person;
let studentB: Person;
let sessionId = "";
let classroomPath = "";

/** Student B's live link: open sockets to close, and whether new ones may connect. */
const linkB = { offline: false, sockets: [] as WebSocketRoute[] };

const column = (page: Page) => page.getByRole("region", { name: "Class interactions" });
const tab = (page: Page, name: RegExp) => column(page).getByRole("tab", { name });
const messages = (page: Page) => column(page).getByRole("log", { name: "Chat messages" });
const message = (page: Page, text: string) => messages(page).getByRole("listitem").filter({ hasText: text });
const question = (page: Page, text: string) => column(page).getByRole("listitem").filter({ hasText: text });
const tallyOption = (tally: Locator, text: string) => tally.getByRole("listitem").filter({ hasText: text });

/** A fresh access token for `person`, by signing in again (the page's own session is left alone). */
async function tokenOf(person: Person): Promise<string> {
  return person.page.evaluate(
    async ({ email, password }) => {
      const response = await fetch("/auth/local/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
      if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    { email: person.email, password: PASSWORD },
  );
}

/** Calls the api from `person`'s page with `token`, as a script in that page could. */
async function callApi(person: Person, token: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return person.page.evaluate(
    async (request) => {
      const headers: Record<string, string> = {
        Authorization: `Bearer ${request.token}`,
        "Idempotency-Key": crypto.randomUUID(),
      };
      if (request.body !== undefined) headers["Content-Type"] = "application/json";
      const response = await fetch(request.path, {
        method: request.method,
        headers,
        body: request.body === undefined ? null : JSON.stringify(request.body),
      });
      const text = await response.text();
      return { status: response.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
    },
    { token, method, path, body },
  );
}

const sessionApi = (path = "") => `/api/v1/sessions/${sessionId}${path}`;

async function routeLiveSocket(context: BrowserContext): Promise<void> {
  await context.routeWebSocket(/\/live$/, (socket) => {
    if (linkB.offline) {
      // No network: the attempt fails, and the feed tries again later.
      void socket.close({ code: 1011, reason: "offline" });
      return;
    }
    socket.connectToServer();
    linkB.sockets.push(socket);
  });
}

async function dropNetwork(context: BrowserContext): Promise<void> {
  linkB.offline = true;
  await context.setOffline(true);
  const open = linkB.sockets.splice(0);
  for (const socket of open) await socket.close({ code: 1011, reason: "offline" });
}

async function restoreNetwork(context: BrowserContext): Promise<void> {
  linkB.offline = false;
  await context.setOffline(false);
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  const courseTitle = `Photosynthesis interactions ${runId}`;
  const classTitle = `Week 4 — the Calvin cycle ${runId}`;

  // --- The teacher: course, class, invite; then the studio, live ---------------------
  teacher = {
    page: await newPage(browser, { permissions: ["camera", "microphone"] }),
    email: `ix-teacher-${runId}@example.com`,
    name: `Ada Teacher ${runId}`,
  };
  await signUpAndCreateCourse(teacher.page, { name: teacher.name, email: teacher.email }, { title: courseTitle });
  await teacher.page.getByRole("button", { name: "Schedule a class" }).click();
  await teacher.page.getByLabel("Class title").fill(classTitle);
  await teacher.page.getByRole("button", { name: "Schedule class" }).click();
  const upcoming = teacher.page.getByRole("region", { name: /^Upcoming/ });
  await expect(upcoming.getByText(classTitle)).toBeVisible();
  const inviteLink = await createStudentInvite(teacher.page);

  await upcoming.getByRole("link", { name: "Open studio" }).click();
  await expect(teacher.page).toHaveURL(/\/sessions\/[^/]+\/studio$/);
  classroomPath = new URL(teacher.page.url()).pathname.replace(/\/studio$/, "");
  sessionId = classroomPath.split("/").at(-1) ?? "";
  await teacher.page.getByRole("button", { name: "Go live" }).click();
  await expect(teacher.page.getByRole("list", { name: "Class health" }).getByText("Realtime live")).toBeVisible();

  // --- Two students join the course and open the class ------------------------------
  studentA = {
    page: await newPage(browser, { viewport: { width: 360, height: 800 } }),
    email: `ix-student-a-${runId}@example.com`,
    name: `Grace Student ${runId}`,
  };
  studentB = {
    page: await newPage(browser),
    email: `ix-student-b-${runId}@example.com`,
    name: `Alan Student ${runId}`,
  };
  await routeLiveSocket(studentB.page.context());

  for (const student of [studentA, studentB]) {
    await joinFromInvite(student.page, inviteLink, { name: student.name, email: student.email });
    await student.page.goto(classroomPath);
    await expect(student.page.getByRole("heading", { level: 1, name: classTitle })).toBeVisible();
    await expect(tab(student.page, /^Chat/)).toBeVisible();
  }
  await expect(tab(teacher.page, /^Chat/)).toBeVisible();
});

test.afterAll(async () => {
  for (const person of [teacher, studentA, studentB]) await person?.page.context().close();
});

test("UX 2: a student's chat message reaches everyone; one the teacher deletes disappears for everyone", async () => {
  const text = `Is the Calvin cycle light-independent? ${runId}`;
  const box = column(studentA.page).getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
  await expect(box).toHaveValue("");

  for (const person of [studentA, teacher, studentB]) await expect(message(person.page, text)).toBeVisible();
  await expect(message(studentA.page, text)).toContainText(`${studentA.name} (you)`);

  await message(teacher.page, text).getByRole("button", { name: "Delete" }).click();
  for (const person of [teacher, studentA, studentB]) {
    await expect(messages(person.page).getByText(text)).toHaveCount(0);
    await expect(messages(person.page).getByText("Message deleted").first()).toBeVisible();
  }
  // The phone-sized page still fits its screen.
  expect(await studentA.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});

test("UX 3: one upvote per student, and an answer everyone sees", async () => {
  const text = `Why does the Calvin cycle need ATP? ${runId}`;
  await tab(studentA.page, /^Q&A/).click();
  await column(studentA.page).getByLabel("Your question").fill(text);
  await column(studentA.page).getByRole("button", { name: "Ask" }).click();
  await expect(question(studentA.page, text)).toContainText("0 votes");

  await tab(studentB.page, /^Q&A/).click();
  await expect(tab(studentB.page, /^Q&A/)).toContainText("1");
  await question(studentB.page, text).getByRole("button", { name: "Upvote" }).click();
  await expect(question(studentB.page, text).getByRole("button", { name: "Upvoted" })).toHaveAttribute("aria-pressed", "true");
  await expect(question(studentB.page, text)).toContainText("1 vote");
  await expect(question(studentA.page, text)).toContainText("1 vote");

  // Upvoting again (the UI toggles, so through the api, with B's own token) changes nothing.
  const tokenB = await tokenOf(studentB);
  const listed = await callApi(studentB, tokenB, "GET", sessionApi("/questions"));
  const asked = (listed.body as { items: { id: string; body: string }[] }).items.find((item) => item.body === text);
  expect(asked).toBeTruthy();
  for (let attempt = 0; attempt < 2; attempt++) {
    const again = await callApi(studentB, tokenB, "POST", sessionApi(`/questions/${asked?.id}/vote`));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ upvotes: 1, voted: true });
  }
  await expect(question(studentA.page, text)).toContainText("1 vote");

  // The teacher answers; both students see it answered.
  await tab(teacher.page, /^Q&A/).click();
  const asTeacher = question(teacher.page, text);
  await expect(asTeacher).toContainText("1 vote");
  await asTeacher.getByRole("button", { name: "Answer" }).click();
  await asTeacher.getByLabel("Answer (optional)").fill("It powers the reduction of 3-PGA.");
  await asTeacher.getByRole("button", { name: "Mark answered" }).click();
  for (const person of [studentA, studentB, teacher]) {
    const answered = column(person.page).getByRole("region", { name: /^Answered/ });
    await expect(answered.getByRole("listitem").filter({ hasText: text })).toContainText("It powers the reduction of 3-PGA.");
    await expect(answered.getByRole("listitem").filter({ hasText: text })).toContainText("Answered");
  }
});

test("UX 4: a live tally of two votes, a changed vote replaces the first, and closing freezes the result", async () => {
  const pollQuestion = `Where does the Calvin cycle happen? ${runId}`;
  await tab(teacher.page, /^Polls/).click();
  await column(teacher.page).getByRole("button", { name: "New poll" }).click();
  const form = column(teacher.page).getByRole("form", { name: "New poll" });
  await form.getByLabel("Question", { exact: true }).fill(pollQuestion);
  await form.getByLabel("Option 1", { exact: true }).fill("Stroma");
  await form.getByLabel("Option 2", { exact: true }).fill("Thylakoid");
  await form.getByRole("button", { name: "Save draft" }).click();
  const card = column(teacher.page).getByRole("listitem").filter({ hasText: pollQuestion });
  await card.getByRole("button", { name: "Open poll" }).click();
  const tally = card.getByRole("list", { name: "Live tally" });
  await expect(card).toContainText("0 people voted");

  // Both students vote, for different options.
  for (const [student, choice] of [
    [studentA, "Stroma"],
    [studentB, "Thylakoid"],
  ] as const) {
    await tab(student.page, /^Polls/).click();
    await expect(column(student.page).getByText(pollQuestion)).toBeVisible();
    await column(student.page).getByLabel(choice).check();
    await column(student.page).getByRole("button", { name: "Vote" }).click();
    await expect(column(student.page).getByText("Your vote is in.", { exact: false })).toBeVisible();
  }
  await expect(card).toContainText("2 people voted");
  await expect(tallyOption(tally, "Stroma")).toContainText("1 vote · 50%");
  await expect(tallyOption(tally, "Thylakoid")).toContainText("1 vote · 50%");

  // Student A changes their mind: still two votes, the count moves.
  await column(studentA.page).getByLabel("Thylakoid").check();
  await column(studentA.page).getByRole("button", { name: "Change vote" }).click();
  await expect(tallyOption(tally, "Thylakoid")).toContainText("2 votes · 100%");
  await expect(tallyOption(tally, "Stroma")).toContainText("0 votes · 0%");
  await expect(card).toContainText("2 people voted");

  // Closing freezes it: a late vote through the api is refused, and the tally stays.
  await card.getByRole("button", { name: "Close poll" }).click();
  await expect(card).toContainText("Closed");
  for (const student of [studentA, studentB]) {
    await expect(column(student.page).getByText("This poll is closed.", { exact: false })).toBeVisible();
    await expect(column(student.page).getByRole("button", { name: /^(Vote|Change vote)$/ })).toHaveCount(0);
  }
  const tokenA = await tokenOf(studentA);
  const polls = await callApi(studentA, tokenA, "GET", sessionApi("/polls"));
  const poll = (polls.body as { items: { id: string; question: string }[] }).items.find(
    (item) => item.question === pollQuestion,
  );
  expect(poll).toBeTruthy();
  const late = await callApi(studentA, tokenA, "PUT", sessionApi(`/polls/${poll?.id}/vote`), {
    option_ids: [(await firstOptionId(studentA, tokenA, poll?.id ?? "")) ?? ""],
  });
  expect(late.status).toBe(409);
  expect(late.body).toMatchObject({ type: "poll-not-open" });
  await teacher.page.waitForTimeout(1_000); // a tally would come within 500 ms
  await expect(card).toContainText("2 people voted");
  await expect(tallyOption(tally, "Thylakoid")).toContainText("2 votes · 100%");

  // Shown to students, the frozen result is theirs too.
  await card.getByRole("button", { name: "Show results to students" }).click();
  for (const student of [studentA, studentB]) {
    const results = column(student.page).getByRole("list", { name: "Results" });
    await expect(tallyOption(results, "Thylakoid")).toContainText("2 votes · 100%");
  }
});

async function firstOptionId(person: Person, token: string, pollId: string): Promise<string | undefined> {
  const poll = await callApi(person, token, "GET", sessionApi(`/polls/${pollId}`));
  return (poll.body as { options: { id: string }[] }).options[0]?.id;
}

test("UX 6: after 10 s offline, a student has all 20 messages sent meanwhile, in order, once each", async () => {
  const context = studentB.page.context();
  const [tokenTeacher, tokenA] = [await tokenOf(teacher), await tokenOf(studentA)];
  for (const person of [teacher, studentB]) await tab(person.page, /^Chat/).click();

  const droppedAt = Date.now();
  await dropNetwork(context);
  // The page says so rather than pretending to be live.
  await expect(studentB.page.getByText("Reconnecting…").first()).toBeVisible();

  // 20 messages, alternating between the teacher and student A (each stays within
  // the per-person chat rate limit).
  const sent: string[] = [];
  for (let index = 1; index <= 20; index++) {
    const body = `Burst ${runId} #${String(index).padStart(2, "0")}`;
    const [sender, token] = index % 2 === 1 ? [teacher, tokenTeacher] : [studentA, tokenA];
    const answer = await callApi(sender, token, "POST", sessionApi("/chat"), { body });
    expect(answer.status).toBe(201);
    sent.push(body);
  }
  await expect(message(teacher.page, sent[19] ?? "")).toBeVisible();
  await studentB.page.waitForTimeout(Math.max(0, 10_000 - (Date.now() - droppedAt)));
  await expect(messages(studentB.page).getByText(`Burst ${runId}`)).toHaveCount(0);

  await restoreNetwork(context);
  const burst = messages(studentB.page).getByRole("listitem").filter({ hasText: `Burst ${runId}` });
  await expect(burst).toHaveCount(20, { timeout: 30_000 });
  const shown = await burst.locator(".chat__body").allTextContents();
  expect(shown).toEqual(sent);
  await expect(studentB.page.getByText("Reconnecting…")).toHaveCount(0);
});

test("UX 7: students get no staff controls, and the api refuses staff actions", async () => {
  const page = studentA.page;
  // Chat: the teacher's messages offer a student nothing; no slow mode or mute.
  await tab(page, /^Chat/).click();
  const fromTeacher = message(page, `Burst ${runId} #01`);
  await expect(fromTeacher).toBeVisible();
  await expect(fromTeacher.getByRole("button")).toHaveCount(0);
  await expect(column(page).getByLabel("Slow mode")).toHaveCount(0);
  const staffOnly = new RegExp(
    "^(Pin|Unpin|Mute…|Unmute|Answer|Dismiss|Reopen|New poll|Open poll|Close poll|" +
      "Show results to students|Hide results from students|End class|Go live)$",
  );
  await expect(page.getByRole("button", { name: staffOnly })).toHaveCount(0);
  for (const name of [/^Q&A/, /^Polls/]) {
    await tab(page, name).click();
    await expect(page.getByRole("button", { name: staffOnly })).toHaveCount(0);
  }

  // The api refuses them whatever the page sends.
  const tokenTeacher = await tokenOf(teacher);
  const draft = await callApi(teacher, tokenTeacher, "POST", sessionApi("/polls"), {
    question: `A draft ${runId}`,
    kind: "single",
    options: ["Yes", "No"],
  });
  expect(draft.status).toBe(201);
  const draftId = (draft.body as { id: string }).id;
  const posted = await callApi(teacher, tokenTeacher, "POST", sessionApi("/chat"), { body: `From the teacher ${runId}` });
  expect(posted.status).toBe(201);
  const teacherMessageId = (posted.body as { id: string }).id;

  const tokenA = await tokenOf(studentA);
  const questions = await callApi(studentA, tokenA, "GET", sessionApi("/questions"));
  const questionId = (questions.body as { items: { id: string }[] }).items[0]?.id;
  expect(questionId).toBeTruthy();

  const refused: [string, string, unknown?][] = [
    ["POST", sessionApi("/polls"), { question: "Mine?", kind: "single", options: ["a", "b"] }],
    ["POST", sessionApi(`/polls/${draftId}/open`)],
    ["DELETE", sessionApi(`/chat/${teacherMessageId}`)],
    ["POST", sessionApi(`/chat/${teacherMessageId}/pin`), { pinned: true }],
    ["POST", sessionApi(`/questions/${questionId}/answer`), { text: "Me" }],
    ["POST", sessionApi("/studio/slide"), { page_no: 3 }],
    ["POST", sessionApi("/start")],
    ["POST", sessionApi("/end")],
  ];
  for (const [method, path, body] of refused) {
    const answer = await callApi(studentA, tokenA, method, path, body);
    expect(answer.status, `${method} ${path}`).toBe(403);
  }
  // Nothing changed: the teacher's message is still there, and the class is live.
  await expect(message(studentB.page, `From the teacher ${runId}`)).toBeVisible();
  await expect(page.getByText("This class has ended")).toHaveCount(0);
});
