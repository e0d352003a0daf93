/**
 * Issue 22, points 5 and 6: the main pages — the landing page, home, a course, the studio,
 * the classroom and (with the demo's recording) a replay — pass an axe-core scan with no
 * serious or critical violation, at a laptop's 1366×768 and a phone's 360×740, and are
 * saved as screenshots there (test artifacts; E2E_SCREENS_DIR also copies them, as
 * web/docs/screens is made). Then a student joins a class, chats, votes and raises a hand
 * with the keyboard alone.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, type Locator, type Page, type TestInfo } from "@playwright/test";
import { expect, test } from "./test";
import { type Account, type LiveClass, goLive, joinFromInvite, newPage, runId, signIn } from "./support";

/** Every page a test opened: closed after it, so no live class keeps running into the next test. */
const opened: Page[] = [];
test.afterEach(async () => {
  for (const page of opened.splice(0)) await page.context().close();
});

async function open(browser: Browser, options: Parameters<typeof newPage>[1] = {}): Promise<Page> {
  const page = await newPage(browser, options);
  opened.push(page);
  return page;
}

const SIZES = [
  { width: 1366, height: 768 },
  { width: 360, height: 740 },
] as const;

interface Finding {
  page: string;
  size: string;
  rule: string;
  impact: string;
  targets: string[];
}

/** Scans `page` at both sizes with axe (WCAG 2 A and AA rules) and saves a screenshot at each. */
async function check(page: Page, name: string, info: TestInfo, findings: Finding[]): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(300);
    const label = `${size.width}x${size.height}`;
    const file = info.outputPath(`${name}-${label}.png`);
    await page.screenshot({ path: file });
    await info.attach(`${name}-${label}`, { path: file, contentType: "image/png" });
    const screens = process.env.E2E_SCREENS_DIR;
    if (screens) {
      mkdirSync(screens, { recursive: true });
      copyFileSync(file, path.join(screens, `${name}-${label}.png`));
    }
    // Icon-only buttons: a name for screen readers and a tooltip for everyone else.
    const unnamed = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>("button, [role='button']"))
        .filter((button) => button.checkVisibility() && (button.textContent ?? "").trim() === "")
        .filter((button) => !(button.getAttribute("aria-label") || button.getAttribute("aria-labelledby")) || !button.title)
        .map((button) => button.outerHTML.slice(0, 120)),
    );
    if (unnamed.length > 0) findings.push({ page: name, size: label, rule: "icon-button-name-and-tooltip", impact: "serious", targets: unnamed });
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    for (const violation of results.violations) {
      if (violation.impact !== "serious" && violation.impact !== "critical") continue;
      findings.push({
        page: name,
        size: label,
        rule: violation.id,
        impact: violation.impact,
        targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
      });
    }
  }
}

/** Presses Tab (nothing else) until `target` has the focus. */
async function tabTo(page: Page, target: Locator, most = 80): Promise<void> {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < most; presses++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

async function scheduleAndOpenPoll(live: LiveClass, question: string): Promise<void> {
  const column = live.teacher.getByRole("region", { name: "Class interactions" });
  await column.getByRole("tab", { name: /^Polls/ }).click();
  await column.getByRole("button", { name: "New poll" }).click();
  const form = column.getByRole("form", { name: "New poll" });
  await form.getByLabel("Question", { exact: true }).fill(question);
  await form.getByLabel("Option 1", { exact: true }).fill("Stroma");
  await form.getByLabel("Option 2", { exact: true }).fill("Thylakoid");
  await form.getByRole("button", { name: "Save draft" }).click();
  await column.getByRole("listitem").filter({ hasText: question }).getByRole("button", { name: "Open poll" }).click();
}

test("the main pages pass axe at laptop and phone sizes, and are saved as screenshots", async ({ browser }, info) => {
  test.setTimeout(240_000);
  const findings: Finding[] = [];

  const visitor = await open(browser);
  await visitor.goto("/");
  await expect(visitor.getByRole("heading", { level: 1, name: "Live classes, taught from the browser" })).toBeVisible();
  await check(visitor, "landing", info, findings);

  const live = await goLive(browser, "Screens");
  opened.push(live.teacher);
  const { teacher } = live;
  await teacher.setViewportSize(SIZES[0]);
  await teacher.getByRole("region", { name: "Class interactions" }).getByRole("textbox").fill("Welcome! Slides in a minute.");
  await teacher.keyboard.press("Enter");
  await check(teacher, "studio", info, findings);

  const student = await open(browser, { permissions: ["camera", "microphone"] });
  await joinFromInvite(student, live.inviteLink, { name: `Grace Screens ${runId}`, email: `screens-${runId}@example.com` });
  await check(student, "course", info, findings);
  await student.goto("/");
  await expect(student.getByRole("region", { name: "Live now" }).getByRole("link", { name: `Join class: ${live.classTitle}` })).toBeVisible();
  await check(student, "home", info, findings);
  await student.getByRole("region", { name: "Live now" }).getByRole("link", { name: /^Join class/ }).click();
  await expect(student.getByRole("heading", { level: 1, name: live.classTitle })).toBeVisible();
  await expect(student.getByText("Welcome! Slides in a minute.")).toBeVisible();
  await check(student, "classroom", info, findings);

  const demoFile = process.env.E2E_DEMO_JSON;
  if (demoFile) {
    const demo = JSON.parse(readFileSync(demoFile, "utf8")) as { session_id: string; student: Account };
    const viewer = await open(browser);
    await signIn(viewer, demo.student, `/sessions/${demo.session_id}/replay`);
    await expect(viewer.getByRole("heading", { level: 1 })).toBeVisible({ timeout: 20_000 });
    await expect(viewer.locator("video")).toBeVisible({ timeout: 20_000 });
    await check(viewer, "replay", info, findings);
  }

  expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
});

test("a student joins a class, chats, votes and raises a hand with the keyboard only", async ({ browser }) => {
  // Two browsers in a live class, a poll and a sign-up: minutes on a busy two-core machine.
  test.setTimeout(240_000);
  const live = await goLive(browser, "Keyboard");
  opened.push(live.teacher);
  const question = `Where does the Calvin cycle happen? ${runId}`;
  await scheduleAndOpenPoll(live, question);
  const name = `Grace Keyboard ${runId}`;
  const student = await open(browser, { viewport: { width: 1366, height: 768 } });
  await joinFromInvite(student, live.inviteLink, { name, email: `keyboard-${runId}@example.com` });

  // --- Join: from home, Tab to "Join class", Enter ----------------------------------
  await student.goto("/");
  const join = student.getByRole("region", { name: "Live now" }).getByRole("link", { name: `Join class: ${live.classTitle}` });
  await tabTo(student, join);
  await student.keyboard.press("Enter");
  await expect(student.getByRole("heading", { level: 1, name: live.classTitle })).toBeVisible();

  // --- Chat: Tab to the message box, type, Enter ---------------------------------------
  const column = student.getByRole("region", { name: "Class interactions" });
  await tabTo(student, column.getByRole("textbox", { name: /message/i }));
  await student.keyboard.type("Hello from the keyboard");
  await student.keyboard.press("Enter");
  await expect(column.getByRole("log", { name: "Chat messages" }).getByText("Hello from the keyboard")).toBeVisible();
  await expect(live.teacher.getByText("Hello from the keyboard")).toBeAttached();

  // --- Vote: Tab to the tabs, → → to Polls, Tab to an option, Space, Tab to Vote, Enter --
  await tabTo(student, column.getByRole("tab", { selected: true }));
  await student.keyboard.press("ArrowRight");
  await student.keyboard.press("ArrowRight");
  await expect(column.getByRole("tab", { name: /^Polls/ })).toHaveAttribute("aria-selected", "true");
  await expect(column.getByText(question)).toBeVisible();
  await tabTo(student, column.getByRole("radio", { name: "Thylakoid" }).or(column.getByRole("radio", { name: "Stroma" })).first());
  await student.keyboard.press("ArrowDown");
  await expect(column.getByRole("radio", { name: "Thylakoid" })).toBeChecked();
  await tabTo(student, column.getByRole("button", { name: "Vote" }));
  await student.keyboard.press("Enter");
  await expect(column.getByText("Your vote is in.", { exact: false })).toBeVisible();

  // --- Raise a hand: Tab to it, Space; the teacher sees it ------------------------------
  await tabTo(student, student.getByRole("button", { name: "Raise hand" }));
  await student.keyboard.press("Space");
  await expect(student.getByRole("button", { name: "Lower hand" })).toHaveAttribute("aria-pressed", "true");
  await expect(live.teacher.getByRole("list", { name: "Raised hands" }).getByText(name)).toBeVisible();
});
