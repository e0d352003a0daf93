// @vitest-environment jsdom
import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json, problem } from "../../../api/testing/fake-fetch";
import { aCourse, aSession, aUser } from "../../../api/testing/fixtures";
import { renderApp } from "../../../app/testing/render-app";
import { aReplay } from "../../replay/testing/fixtures";

afterEach(cleanup);

const grace = aUser({ id: "user-grace", display_name: "Grace Hopper" });
const biology = aCourse({ id: "bio", title: "Biology", my_role: "student" });
const teaching = aCourse({ id: "chem", title: "Chemistry", my_role: "owner" });
const inAWeek = (days: number, hour: number) => new Date(Date.now() + days * 86_400_000 + hour * 3_600_000).toISOString();

function homeApi() {
  return new FakeFetch()
    .on("GET", "/api/v1/courses", json(200, { items: [biology, teaching], next_cursor: null }))
    .on(
      "GET",
      "/api/v1/courses/bio/sessions",
      json(200, {
        items: [
          aSession({ id: "bio-live", course_id: "bio", title: "Leaves <b>live</b>", status: "live", started_at: inAWeek(0, -0.5) }),
          aSession({ id: "bio-next", course_id: "bio", title: "Roots", status: "scheduled", scheduled_start: inAWeek(2, 0), scheduled_end: inAWeek(2, 1) }),
          aSession({ id: "bio-old", course_id: "bio", title: "Seeds", status: "ended", ended_at: inAWeek(-3, 0), replay_status: "ready" }),
          aSession({ id: "bio-done", course_id: "bio", title: "Stems", status: "ended", ended_at: inAWeek(-4, 0), replay_status: "ready" }),
        ],
      }),
    )
    .on(
      "GET",
      "/api/v1/courses/chem/sessions",
      json(200, {
        items: [aSession({ id: "chem-next", course_id: "chem", title: "Acids", status: "scheduled", scheduled_start: inAWeek(1, 0), scheduled_end: inAWeek(1, 1) })],
      }),
    )
    .on("GET", "/api/v1/sessions/bio-old/replay", json(200, aReplay({ session_id: "bio-old", position_ms: 754_000, duration_ms: 3_000_000 })))
    .on("GET", "/api/v1/sessions/bio-done/replay", json(200, aReplay({ session_id: "bio-done", position_ms: null, duration_ms: 3_000_000 })));
}

describe("HomePage", () => {
  it("shows what is live, what comes next, the replay to resume, then the courses", async () => {
    renderApp("/", { signedInAs: grace, fake: homeApi() });

    const live = await screen.findByRole("region", { name: "Live now" });
    // User text is text, never HTML.
    expect(within(live).getByText("Leaves <b>live</b>")).toBeTruthy();
    expect(within(live).getByRole("link", { name: "Join class: Leaves <b>live</b>" }).getAttribute("href")).toBe("/sessions/bio-live");

    const upcoming = screen.getByRole("region", { name: "Coming up" });
    const items = within(upcoming).getAllByRole("listitem");
    expect(items.map((item) => within(item).getByText(/^(Acids|Roots)$/).textContent)).toEqual(["Acids", "Roots"]);
    expect(within(items[0] as HTMLElement).getByRole("link", { name: "Open studio: Acids" }).getAttribute("href")).toBe("/sessions/chem-next/studio");
    const ics = within(items[1] as HTMLElement).getByRole("link", { name: "Add Roots to your calendar (.ics)" });
    expect(ics.getAttribute("download")).toBe("roots.ics");
    expect(decodeURIComponent(ics.getAttribute("href") ?? "")).toContain("SUMMARY:Roots · Biology");

    const watching = screen.getByRole("region", { name: "Continue watching" });
    expect(within(watching).getAllByRole("listitem")).toHaveLength(1);
    expect(within(watching).getByText(/stopped at 12:34 of 50:00/)).toBeTruthy();
    expect(within(watching).getByRole("link", { name: "Resume Seeds" }).getAttribute("href")).toBe("/sessions/bio-old/replay?t=754");

    const courses = screen.getByRole("region", { name: "Your courses" });
    expect(within(courses).getAllByRole("link").map((link) => link.textContent)).toContain("All courses");
    expect(within(courses).getByText("Chemistry")).toBeTruthy();
  });

  it("says so in each section when there is nothing to show", async () => {
    const fake = new FakeFetch().on("GET", "/api/v1/courses", json(200, { items: [], next_cursor: null }));
    renderApp("/", { signedInAs: grace, fake });

    expect(await screen.findByText("No class of yours is live right now.")).toBeTruthy();
    expect(screen.getByText(/Nothing scheduled/)).toBeTruthy();
    expect(screen.getByText(/No replay in progress/)).toBeTruthy();
    expect(screen.getByText(/No courses yet/)).toBeTruthy();
    expect(screen.getByRole("link", { name: "Create a course" }).getAttribute("href")).toBe("/courses");
  });

  it("offers to try again when the classes cannot be loaded", async () => {
    const fake = new FakeFetch().on("GET", "/api/v1/courses", problem(503, "unavailable", "Down for a moment."));
    renderApp("/", { signedInAs: grace, fake });
    expect(await screen.findByText("Couldn't load your classes")).toBeTruthy();
    expect(screen.getByRole("button", { name: /try again/i })).toBeTruthy();
  });

  it("tells a signed-out visitor what Multistream is, and the way in", async () => {
    renderApp("/");
    expect(await screen.findByRole("heading", { level: 1, name: "Live classes, taught from the browser" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Create an account" }).getAttribute("href")).toBe("/signup");
    expect(screen.getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe("/signin");
  });
});
