// The replay page in Debian's Chromium, as a student opens it: time from navigation to the
// player and the first transcript line on screen, and the cost of following the playhead.
// Run by `bench/replay/run.py --browser` (BENCH_* variables name the class and the account).
import { createRequire } from "node:module";

const require = createRequire(new URL("../../web/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

const base = process.env.BENCH_BASE_URL;
const sessionId = process.env.BENCH_SESSION_ID;
const runs = Number(process.env.BENCH_RUNS ?? 5);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const context = await browser.newContext({ baseURL: base, viewport: { width: 1366, height: 768 } });
const page = await context.newPage();
await page.goto("/signin?next=%2Fcourses");
await page.getByLabel("Email").fill(process.env.BENCH_EMAIL);
await page.getByLabel("Password", { exact: true }).fill(process.env.BENCH_PASSWORD);
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForURL("**/courses");

const shown = [];
for (let run = 0; run < runs; run += 1) {
  // From the course list (the app is loaded, as when a student clicks "Watch replay").
  await page.goto("/courses");
  await page.waitForLoadState("networkidle");
  const began = Date.now();
  await page.evaluate((path) => {
    window.history.pushState({}, "", path);
    window.dispatchEvent(new PopStateEvent("popstate"));
  }, `/sessions/${sessionId}/replay`);
  await page.locator("video").first().waitFor({ state: "visible" });
  const player = Date.now() - began;
  await page.getByRole("region", { name: "Transcript" }).locator("li").first().waitFor({ state: "visible" });
  const transcript = Date.now() - began;
  shown.push({ player, transcript });
}

// A full page load of the replay's URL (a link opened in a new tab; the app's files cached).
const loaded = [];
for (let run = 0; run < runs; run += 1) {
  const began = Date.now();
  await page.goto(`/sessions/${sessionId}/replay`, { waitUntil: "commit" });
  await page.locator("video").first().waitFor({ state: "visible" });
  const player = Date.now() - began;
  await page.getByRole("region", { name: "Transcript" }).locator("li").first().waitFor({ state: "visible" });
  loaded.push({ player, transcript: Date.now() - began });
}

// Following the playhead: seek through the class and time the page's own work per update.
const follow = await page.evaluate(async () => {
  const video = document.querySelector("video");
  const duration = Number.isFinite(video.duration) ? video.duration : 5400;
  const times = [];
  for (let i = 0; i < 200; i += 1) {
    const target = ((i * 7919) % 200) / 200 * (duration - 1);
    const began = performance.now();
    await new Promise((resolve) => {
      video.addEventListener("seeked", resolve, { once: true });
      video.currentTime = target;
    });
    // Let React render what the seek changed, then measure.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  return { seeks: times.length, p50_ms: times[100], p95_ms: times[190] };
});

await browser.close();
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  JSON.stringify({
    runs,
    player_ms_median: median(shown.map((s) => s.player)),
    transcript_ms_median: median(shown.map((s) => s.transcript)),
    transcript_ms_max: Math.max(...shown.map((s) => s.transcript)),
    page_load_player_ms_median: median(loaded.map((s) => s.player)),
    page_load_transcript_ms_median: median(loaded.map((s) => s.transcript)),
    page_load_transcript_ms_max: Math.max(...loaded.map((s) => s.transcript)),
    follow,
  }),
);
