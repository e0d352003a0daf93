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
import { type Locator, type Page } from "@playwright/test";
import { expect, test } from "./test";
import { goLive, runId, studentJoins } from "./support";

const DECK = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "five-pages.pdf");

const videoWidth = (video: Locator) => video.evaluate((element: HTMLVideoElement) => element.videoWidth);

/** The page itself does not scroll, and each of `controls` is wholly on screen. */
async function expectOneScreen(page: Page, controls: Record<string, Locator>): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => (document.scrollingElement?.scrollHeight ?? 0) - window.innerHeight))
    .toBeLessThanOrEqual(0);
  const viewport = page.viewportSize() ?? { width: 0, height: 0 };
  for (const [name, control] of Object.entries(controls)) {
    await expect(control, name).toBeVisible();
    const box = await control.boundingBox();
    expect(box, name).not.toBeNull();
    if (box === null) continue;
    expect(box.y, `${name}: top`).toBeGreaterThanOrEqual(0);
    expect(box.x, `${name}: left`).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height, `${name}: bottom`).toBeLessThanOrEqual(viewport.height);
    expect(box.x + box.width, `${name}: right`).toBeLessThanOrEqual(viewport.width);
  }
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

  // --- The studio fits a 1366×768 laptop: nothing to scroll to mid-sentence ----------
  await teacher.setViewportSize({ width: 1366, height: 768 });
  const oneScreen = {
    "program preview": program,
    "own camera": teacher.getByLabel("Your camera preview"),
    "scene switcher": scenes,
    "deck navigation": teacher.getByRole("group", { name: "Slide" }),
    "health strip": teacher.getByRole("list", { name: "Class health" }),
    "End class": teacher.getByRole("button", { name: "End class" }),
    "chat, Q&A and polls": teacher.getByRole("tablist", { name: "Chat, questions and polls" }),
    "chat message box": teacher.getByRole("tabpanel", { name: /^Chat/ }).getByRole("textbox"),
    "people": teacher.getByRole("heading", { name: /^People/ }),
  };
  await expectOneScreen(teacher, oneScreen);
  const laptopWidth = (await program.boundingBox())?.width ?? 0;
  await teacher.screenshot({ path: test.info().outputPath("studio-1366x768.png") });
  // A 1080p screen: still one screen, and a bigger program.
  await teacher.setViewportSize({ width: 1920, height: 1080 });
  await expectOneScreen(teacher, oneScreen);
  expect((await program.boundingBox())?.width ?? 0).toBeGreaterThan(laptopWidth * 1.3);
  await teacher.setViewportSize({ width: 1366, height: 768 });

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
