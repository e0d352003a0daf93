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
