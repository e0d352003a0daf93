/** Steps the end-to-end specs share: accounts, courses and invite links, through the UI. */
import { type Browser, type BrowserContextOptions, type Page, expect } from "@playwright/test";

export const PASSWORD = "correct horse battery staple";

/** Unique per run, so the tests can run again against the same database. */
export const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  return context.newPage();
}

/** Fills and sends the sign-up form the page is on. */
export async function fillSignUp(page: Page, name: string, email: string): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: "Create an account" })).toBeVisible();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Signs up from /signup and creates a course; returns the course page's path. */
export async function signUpAndCreateCourse(
  page: Page,
  account: { name: string; email: string },
  course: { title: string; description?: string },
): Promise<string> {
  await page.goto("/signup");
  await fillSignUp(page, account.name, account.email);
  await expect(page).toHaveURL(/\/courses$/);
  await page.getByLabel("Title").fill(course.title);
  if (course.description) await page.getByLabel("Description (optional)").fill(course.description);
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { level: 1, name: course.title })).toBeVisible();
  await expect(page).toHaveURL(/\/courses\/[^/]+$/);
  return new URL(page.url()).pathname;
}

/** On a course page, as a host: creates a student invite link and returns it. */
export async function createStudentInvite(page: Page): Promise<string> {
  await page.getByRole("radio", { name: "Student" }).check();
  await page.getByRole("button", { name: "Create student invite link" }).click();
  const linkField = page.getByRole("textbox", { name: "Student invite link" }).first();
  await expect(linkField).toHaveValue(/\/invite\/[^/]+$/);
  return linkField.inputValue();
}

/** Opens an invite link signed out, creates an account and joins the course. */
export async function joinFromInvite(page: Page, inviteLink: string, account: { name: string; email: string }): Promise<void> {
  await page.goto(inviteLink);
  await expect(page.getByRole("heading", { name: "You're invited to a course" })).toBeVisible();
  await page.getByRole("link", { name: "Create an account" }).click();
  await fillSignUp(page, account.name, account.email);
  await expect(page).toHaveURL(new URL(inviteLink).pathname);
  await page.getByRole("button", { name: "Join course" }).click();
  await expect(page).toHaveURL(/\/courses\/[^/]+$/);
}

/* ---- A live class: a teacher live in the studio, and students joining it --------- */

export interface LiveClass {
  teacher: Page;
  inviteLink: string;
  classTitle: string;
}

/** A teacher with a course, a student invite link and a class they are live in. */
export async function goLive(browser: Browser, label: string): Promise<LiveClass> {
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
export async function studentJoins(browser: Browser, live: LiveClass, name: string, withCamera = false): Promise<Page> {
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

/** An account that exists already (the demo's teacher and students). */
export interface Account {
  email: string;
  password: string;
  display_name: string;
}

/** Signs in from the sign-in page and lands on `path` (the page a signed-out visitor was sent away from). */
export async function signIn(page: Page, account: Account, path = "/courses"): Promise<void> {
  await page.goto(`/signin?next=${encodeURIComponent(path)}`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL((url) => `${url.pathname}${url.search}` === path);
}
