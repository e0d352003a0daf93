/**
 * The teaching studio (issue #5), against the whole stack: the api, its worker rendering
 * decks (`scripts/e2e.sh` starts one), MinIO and LiveKit. Chromium's fake camera and
 * microphone (playwright.config.ts) stand in for real devices.
 *
 * 1. The teacher uploads a 5-page PDF (progress, then thumbnails), switches to
 *    "Slides + camera" and goes to page 3; a student who joins afterwards sees page 3 and
 *    the teacher's camera at once, and page 4 within a second of the teacher pressing →.
 * 2. A student raises a hand; the teacher brings them on stage and sees their camera;
 *    once removed, LiveKit no longer lets the student publish and their tile is gone.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type Locator, type Page } from "@playwright/test";
import { expect, test } from "./test";
import { createStudentInvite, joinFromInvite, newPage, runId, signUpAndCreateCourse } from "./support";

const DECK = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "five-pages.pdf");

const videoWidth = (video: Locator) => video.evaluate((element: HTMLVideoElement) => element.videoWidth);

interface LiveClass {
  teacher: Page;
  inviteLink: string;
  classTitle: string;
}

/** A teacher with a course, a student invite link and a class they are live in. */
async function goLive(browser: Browser, label: string): Promise<LiveClass> {
  const classTitle = `${label} ${runId}`;
  const teacher = await newPage(browser, { permissions: ["camera", "microphone"] });
  await signUpAndCreateCourse(
    teacher,
    { name: `Ada Teacher ${runId}`, email: `studio-${label.toLowerCase().replace(/\W+/g, "-")}-${runId}@example.com` },
    { title: `Photosynthesis studio ${label} ${runId}` },
  );
  await teacher.getByRole("button", { name: "Schedule a class" }).click();
  await teacher.getByLabel("Class title").fill(classTitle);
  await teacher.getByRole("button", { name: "Schedule class" }).click();
  const upcoming = teacher.getByRole("region", { name: /^Upcoming/ });
  await expect(upcoming.getByText(classTitle)).toBeVisible();
  const inviteLink = await createStudentInvite(teacher);

  await upcoming.getByRole("link", { name: "Open studio" }).click();
  await expect(teacher.getByRole("heading", { level: 1, name: classTitle })).toBeVisible();
  await expect(teacher.getByText("Camera ready")).toBeVisible();
  await teacher.getByRole("button", { name: "Go live" }).click();
  const health = teacher.getByRole("list", { name: "Class health" });
  await expect(health.getByText("Media connected")).toBeVisible({ timeout: 30_000 });
  return { teacher, inviteLink, classTitle };
}

/** A new student joins the course from the invite and opens the live class. */
async function studentJoins(browser: Browser, live: LiveClass, name: string, withCamera = false): Promise<Page> {
  const student = await newPage(browser, {
    viewport: { width: 360, height: 800 },
    ...(withCamera ? { permissions: ["camera", "microphone"] } : {}),
  });
  await joinFromInvite(student, live.inviteLink, {
    name,
    email: `${name.toLowerCase().replace(/\W+/g, "-")}@example.com`,
  });
  const liveNow = student.getByRole("region", { name: /^Live now/ });
  await liveNow.getByRole("link", { name: "Join class" }).click();
  await expect(student.getByRole("heading", { level: 1, name: live.classTitle })).toBeVisible();
  return student;
}

test("a late student lands on the teacher's slide and follows the arrow keys", async ({ browser }) => {
  test.setTimeout(150_000);
  const live = await goLive(browser, "Slides");
  const { teacher } = live;

  // --- Upload: progress while it goes up and renders, then the thumbnails ------------
  await teacher.getByLabel("Upload a PDF deck").setInputFiles(DECK);
  await expect(teacher.getByRole("progressbar", { name: "Deck progress" })).toBeVisible();
  const thumbnails = teacher.getByRole("list", { name: "Pages" }).getByRole("button");
  await expect(thumbnails).toHaveCount(5, { timeout: 60_000 });
  await expect(teacher.getByRole("progressbar", { name: "Deck progress" })).toHaveCount(0);

  // --- Slides + camera, page 3 ---------------------------------------------------------
  const scenes = teacher.getByRole("group", { name: "Scenes" });
  await scenes.getByRole("button", { name: /^Slides \+ camera/ }).click();
  await expect(scenes.getByRole("button", { name: /^Slides \+ camera/ })).toHaveAttribute("aria-pressed", "true");
  await teacher.getByRole("button", { name: /^Show slide 3\b/ }).click();
  const program = teacher.getByRole("region", { name: "Program preview" });
  await expect(program.locator('img[data-page="3"]')).toBeVisible();
  await expect(teacher.getByRole("group", { name: "Slide" })).toContainText("3 / 5");

  // --- A student who joins now sees page 3 and the teacher at once -------------------
  const student = await studentJoins(browser, live, `Grace Slides ${runId}`);
  const stage = student.getByRole("region", { name: "Class stage" });
  await expect(stage.locator('img[data-page="3"]')).toBeVisible({ timeout: 5_000 });
  await expect(stage.locator("img[data-page]")).toHaveAttribute("alt", /^Slide 3 of 5/);
  await expect.poll(() => videoWidth(stage.getByLabel("Teacher's camera")), { timeout: 10_000 }).toBeGreaterThan(0);
  expect(await student.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  // --- → on the teacher's keyboard: the student is on page 4 within a second ----------
  await teacher.keyboard.press("ArrowRight");
  await expect(stage.locator('img[data-page="4"]')).toBeVisible({ timeout: 1_000 });
  await expect(program.locator('img[data-page="4"]')).toBeVisible();
  await expect(teacher.getByRole("group", { name: "Slide" })).toContainText("4 / 5");

  // The studio fits a phone too: nothing wider than the screen.
  await teacher.setViewportSize({ width: 360, height: 800 });
  await expect.poll(() => teacher.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});

test("a student with a raised hand comes on stage and leaves it", async ({ browser }) => {
  test.setTimeout(150_000);
  const live = await goLive(browser, "Stage");
  const { teacher } = live;
  const name = `Grace Stage ${runId}`;
  const student = await studentJoins(browser, live, name, true);
  const teacherVideo = student.locator("[data-can-publish]");
  await expect(teacherVideo).toHaveAttribute("data-can-publish", "false");

  // --- The student raises a hand; the teacher sees it and brings them on stage -------
  await student.getByRole("button", { name: "Raise hand" }).click();
  await expect(student.getByRole("button", { name: "Lower hand" })).toHaveAttribute("aria-pressed", "true");
  const hands = teacher.getByRole("list", { name: "Raised hands" });
  await expect(hands.getByText(name)).toBeVisible();
  await hands.getByRole("button", { name: `Bring ${name} on stage` }).click();
  await expect(hands).toHaveCount(0);
  await expect(teacher.getByRole("list", { name: "People on stage" }).getByText(name)).toBeVisible();

  // --- LiveKit lets the student publish; the teacher sees their camera ---------------
  await expect(teacherVideo).toHaveAttribute("data-can-publish", "true", { timeout: 15_000 });
  await expect(student.getByText("You're on stage: the class can see and hear you.")).toBeVisible();
  const tile = teacher.getByLabel(`${name}'s camera`);
  await expect.poll(() => videoWidth(tile), { timeout: 20_000 }).toBeGreaterThan(0);

  // --- Removed: no more publishing, and the tile is gone ---------------------------
  await teacher.getByRole("button", { name: `Remove ${name} from stage` }).click();
  await expect(teacherVideo).toHaveAttribute("data-can-publish", "false", { timeout: 15_000 });
  await expect(tile).toHaveCount(0);
  await expect(student.getByRole("button", { name: "Raise hand" })).toBeVisible();
});
