/**
 * `test` and `expect` for every spec: Playwright's, plus a guard that fails a test when
 * any page it opened hit the Content-Security-Policy (the api serves the app with it on).
 *
 * Every browser context a test opens — the `page` fixture's and those made with
 * `browser.newContext()` — listens for `securitypolicyviolation` events (reported from
 * an init script, which the CSP does not apply to) and for the console errors Chromium
 * prints for blocked loads ("Refused to …").
 */
import { type Browser, type BrowserContext, test as base, expect } from "@playwright/test";

export interface CspViolation {
  page: string;
  what: string;
}

const REPORTER = "__cspViolation";

async function watch(context: BrowserContext, violations: CspViolation[]): Promise<void> {
  await context.exposeFunction(REPORTER, (page: string, what: string) => violations.push({ page, what }));
  await context.addInitScript((reporter: string) => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as Record<string, (page: string, what: string) => void>)[reporter];
      void report?.(location.pathname, `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
    });
  }, REPORTER);
  context.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
      violations.push({ page: message.page()?.url() ?? "", what: message.text() });
    }
  });
}

const watched = new WeakSet<BrowserContext>();

export const test = base.extend<{ cspViolations: CspViolation[] }, { cspWorkerViolations: CspViolation[] }>({
  // Worker-wide, so contexts opened in `beforeAll` are watched too.
  cspWorkerViolations: [
    async ({ browser }, use) => {
      const violations: CspViolation[] = [];
      const original = browser.newContext.bind(browser);
      const patched: Browser["newContext"] = async (options) => {
        const context = await original(options);
        if (!watched.has(context)) {
          watched.add(context);
          await watch(context, violations);
        }
        return context;
      };
      browser.newContext = patched;
      await use(violations);
      browser.newContext = original;
    },
    { scope: "worker", auto: true },
  ],
  /** What this test's pages (and earlier `beforeAll` pages) violated; must stay empty. */
  cspViolations: [
    async ({ cspWorkerViolations, context }, use) => {
      if (!watched.has(context)) {
        watched.add(context);
        await watch(context, cspWorkerViolations);
      }
      await use(cspWorkerViolations);
      const found = cspWorkerViolations.splice(0);
      expect(found, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
