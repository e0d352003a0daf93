/**
 * Acceptance 11, 12 and 13 (spec 50) on a real recorded replay: `multistream demo` teaches
 * a class through the api, LiveKit, the recorder and the pipeline, waits until its replay is
 * ready and writes where it is to the file `E2E_DEMO_JSON` names (`scripts/e2e.sh` does
 * both). Signed in as the demo's student, the tests check what a student revising would:
 * a `?t=` link starts there, a transcript line and a search hit seek to their start, the
 * captions load, a course search opens the replay at its moment, the chat is the chat of
 * that moment, and a phone-sized screen never scrolls sideways.
 *
 * Times to expect are read from the api in each test (the transcript, search, chat), so the
 * tests hold whatever the recognizer heard.
 */
import { readFileSync } from "node:fs";
import { type APIRequestContext, type Page } from "@playwright/test";
import { expect, test } from "./test";
import { type Account, escapeRegExp, signIn } from "./support";

interface Demo {
  course_id: string;
  session_id: string;
  replay_url: string;
  teacher: Account;
  student: Account;
}

interface Segment {
  idx: number;
  start_ms: number;
  end_ms: number;
  text: string;
}

interface Hit {
  kind: string;
  start_ms: number;
  snippet: string;
}

interface ChatMessage {
  id: string;
  at_ms: number;
  body: string;
}

const demoFile = process.env.E2E_DEMO_JSON;
test.skip(!demoFile, "E2E_DEMO_JSON is not set: run scripts/e2e.sh, which runs `multistream demo --json` first");
const demo: Demo = demoFile ? (JSON.parse(readFileSync(demoFile, "utf8")) as Demo) : ({} as Demo);

const replayPath = (query = "") => `/sessions/${demo.session_id}/replay${query}`;
const apiPath = (path = "") => `/api/v1/sessions/${demo.session_id}/replay${path}`;

/** The api as the student, for the times the page must land on. */
async function studentApi(request: APIRequestContext) {
  const login = await request.post("/auth/local/login", {
    data: { email: demo.student.email, password: demo.student.password },
  });
  expect(login.ok()).toBe(true);
  const { access_token: token } = (await login.json()) as { access_token: string };
  return async <T>(path: string): Promise<T> => {
    const response = await request.get(path, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.ok(), `${path} answered ${response.status()}`).toBe(true);
    return (await response.json()) as T;
  };
}

const video = (page: Page) => page.locator("video");
const currentTime = (page: Page) => video(page).evaluate((element: HTMLVideoElement) => element.currentTime);

/** Opens a replay address, signed in as the student, once the recording's metadata is in. */
async function openReplay(page: Page, query = ""): Promise<void> {
  await signIn(page, demo.student, replayPath(query));
  await expect(page.getByRole("region", { name: "Player" })).toBeVisible();
  await expect
    .poll(() => video(page).evaluate((element: HTMLVideoElement) => element.readyState), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(1);
}

/** The video is at `seconds` (± `slack`; it is paused, so it stays there). */
async function expectAt(page: Page, seconds: number, slack = 0.5): Promise<void> {
  await expect.poll(() => currentTime(page), { message: `currentTime ≈ ${seconds}` }).toBeGreaterThanOrEqual(seconds - slack);
  expect(await currentTime(page)).toBeLessThanOrEqual(seconds + slack);
}

/** A word of the transcript worth searching for: long, plain letters, said in the middle of the class. */
function wordFrom(segments: readonly Segment[]): string {
  const words = segments
    .slice(Math.floor(segments.length / 3))
    .flatMap((segment) => segment.text.split(/[^A-Za-z]+/))
    .filter((word) => word.length >= 7);
  expect(words.length, "the transcript has a long word to search for").toBeGreaterThan(0);
  return (words[0] as string).toLowerCase();
}

test.describe("replay (acceptance 11–13)", () => {
  test("a ?t= link starts there; a transcript line seeks to its start", async ({ page, request }) => {
    const api = await studentApi(request);
    const transcript = await api<{ items: Segment[] }>(apiPath("/transcript?limit=500"));
    expect(transcript.items.length).toBeGreaterThan(3);

    await openReplay(page, "?t=30");
    await expectAt(page, 30);

    const segment = transcript.items.find((candidate) => candidate.start_ms > 5_000 && candidate.start_ms < 25_000) ?? transcript.items[2];
    if (!segment) throw new Error("no transcript segment to click");
    const line = page
      .getByRole("region", { name: "Transcript" })
      .getByRole("button", { name: new RegExp(escapeRegExp(segment.text.trim().slice(0, 40))) })
      .first();
    await line.click();
    await expectAt(page, segment.start_ms / 1000, 0.3);
    await expect(line).toHaveAttribute("aria-current", "true");
  });

  test("searching a spoken word and pressing Enter seeks to the first hit", async ({ page, request }) => {
    const api = await studentApi(request);
    const transcript = await api<{ items: Segment[] }>(apiPath("/transcript?limit=500"));
    const word = wordFrom(transcript.items);
    const results = await api<{ items: Hit[] }>(apiPath(`/search?q=${encodeURIComponent(word)}&limit=50`));
    expect(results.items.length, `a search for “${word}” finds it`).toBeGreaterThan(0);
    // The player walks hits in the order they happen: Enter goes to the earliest.
    const first = Math.min(...results.items.map((hit) => hit.start_ms));

    await openReplay(page, "?t=0");
    const box = page.getByRole("searchbox", { name: "Search this class" });
    await box.fill(word);
    await box.press("Enter");
    await expectAt(page, first / 1000, 0.3);
    await expect(page.getByRole("list", { name: `Hits for “${word}”` }).locator("mark").first()).toBeVisible();
  });

  test("captions can be turned on: the <track> loads its cues", async ({ page }) => {
    await openReplay(page);
    const captions = page.getByRole("button", { name: "Captions", exact: true });
    await expect(captions).toBeEnabled();
    await captions.click();
    await expect(captions).toHaveAttribute("aria-pressed", "true");
    const track = () =>
      video(page).evaluate((element: HTMLVideoElement) => {
        const captionsTrack = element.textTracks[0];
        return { mode: captionsTrack?.mode ?? null, cues: captionsTrack?.cues?.length ?? 0 };
      });
    await expect.poll(async () => (await track()).cues, { message: "the captions' cues loaded" }).toBeGreaterThan(0);
    expect((await track()).mode).toBe("showing");
  });

  test("a course search hit opens the replay at its moment", async ({ page, request }) => {
    const api = await studentApi(request);
    const transcript = await api<{ items: Segment[] }>(apiPath("/transcript?limit=500"));
    const word = wordFrom(transcript.items);

    await signIn(page, demo.student, `/courses/${demo.course_id}/search?q=${encodeURIComponent(word)}`);
    const hit = page.locator(`a[href^="/sessions/${demo.session_id}/replay?t="]`).first();
    await expect(hit).toBeVisible();
    const href = (await hit.getAttribute("href")) ?? "";
    const seconds = Number(new URL(href, "http://x").searchParams.get("t"));
    await hit.click();
    await expect(page).toHaveURL(new RegExp(`${escapeRegExp(replayPath())}\\?t=${seconds}$`));
    await expect
      .poll(() => video(page).evaluate((element: HTMLVideoElement) => element.readyState), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(1);
    await expectAt(page, seconds);
  });

  test("the chat shows a message once the playhead is past its moment, not before", async ({ page, request }) => {
    const api = await studentApi(request);
    const chat = await api<{ items: ChatMessage[] }>(apiPath("/chat"));
    const message = chat.items.find((candidate) => candidate.at_ms >= 3_000);
    if (!message) throw new Error("the demo class has no chat message after its first seconds");
    const chatSection = page.getByRole("region", { name: /^Chat/ });
    const shown = chatSection.getByText(message.body, { exact: true });

    await openReplay(page, `?t=${(message.at_ms - 2_000) / 1000}`);
    await page.getByRole("tab", { name: "Class" }).click();
    await expect(chatSection).toBeVisible();
    await expect(shown).toHaveCount(0);

    // Playing on past its moment (the playhead moved by the video itself).
    await video(page).evaluate((element: HTMLVideoElement, at: number) => {
      element.currentTime = at;
    }, (message.at_ms + 1_000) / 1000);
    await expect(shown).toBeVisible();
    // And back before it.
    await video(page).evaluate((element: HTMLVideoElement, at: number) => {
      element.currentTime = at;
    }, Math.max(0, message.at_ms - 1_500) / 1000);
    await expect(shown).toHaveCount(0);
  });

  test("at 360 px nothing scrolls sideways", async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await openReplay(page, "?t=20");
    await expect(page.getByRole("region", { name: "Transcript" }).getByRole("button").first()).toBeVisible();
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await fits()).toBe(true);
    for (const tab of ["Chapters", "Class"]) {
      await page.getByRole("tab", { name: tab }).click();
      expect(await fits(), `the ${tab} tab fits`).toBe(true);
    }
    await page.getByRole("searchbox", { name: "Search this class" }).fill("light");
    await page.getByRole("searchbox", { name: "Search this class" }).press("Enter");
    await expect(page.getByRole("status").filter({ hasText: /Hit|Nothing found/ })).toBeVisible();
    expect(await fits(), "with search hits").toBe(true);
    await context.close();
  });
});
