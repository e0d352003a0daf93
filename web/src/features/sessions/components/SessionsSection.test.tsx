// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json, problem } from "../../../api/testing/fake-fetch";
import { aCourse, aSession, aUser } from "../../../api/testing/fixtures";
import type { Session } from "../../../api/types";
import { renderApp } from "../../../app/testing/render-app";

afterEach(cleanup);

const course = aCourse({ id: "c1", title: "Photosynthesis" });
const live = aSession({ id: "s-live", title: "Week 3 — light reactions", status: "live", started_at: "2026-11-25T10:00:00Z" });
const upcoming = aSession({ id: "s-next", title: "Week 4 — the Calvin cycle", scheduled_start: "2026-12-02T10:00:00Z", scheduled_end: "2026-12-02T11:30:00Z" });
const past = aSession({ id: "s-past", title: "Week 2 — chlorophyll", status: "ended", ended_at: "2026-11-18T11:00:00Z", replay_status: "ready" });

function courseApi(role: "owner" | "student", sessions: Session[]) {
  return new FakeFetch()
    .on("GET", "/api/v1/courses/c1", json(200, { ...course, my_role: role }))
    .on("GET", "/api/v1/courses/c1/members", json(200, { items: [] }))
    .on("GET", "/api/v1/courses/c1/invites", json(200, { items: [] }))
    .on("GET", "/api/v1/courses/c1/sessions", json(200, { items: sessions }));
}

describe("SessionsSection", () => {
  it("shows a student live, upcoming and past classes, with classroom and replay links only", async () => {
    renderApp("/courses/c1", { signedInAs: aUser({ id: "user-grace" }), fake: courseApi("student", [past, upcoming, live]) });

    const liveNow = await screen.findByRole("region", { name: /Live now/ });
    expect(within(liveNow).getByText("Week 3 — light reactions")).toBeTruthy();
    expect(within(liveNow).getByRole("link", { name: "Join class" }).getAttribute("href")).toBe("/sessions/s-live");
    const next = screen.getByRole("region", { name: /Upcoming/ });
    expect(within(next).getByRole("link", { name: "Open classroom" }).getAttribute("href")).toBe("/sessions/s-next");
    expect(within(next).getByText("1 h 30 min")).toBeTruthy();
    const earlier = screen.getByRole("region", { name: /Past/ });
    expect(within(earlier).getByText("Replay ready")).toBeTruthy();
    expect(within(earlier).getAllByRole("link").map((link) => link.getAttribute("href"))).toEqual(["/sessions/s-past/replay"]);

    expect(screen.queryByRole("link", { name: "Open studio" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Schedule a class" })).toBeNull();
  });

  it("says so when a course has no classes yet", async () => {
    renderApp("/courses/c1", { signedInAs: aUser(), fake: courseApi("student", []) });
    expect(await screen.findByText("No classes yet")).toBeTruthy();
    expect(screen.getByText("When your teacher schedules a class, it appears here.")).toBeTruthy();
  });

  it("lets a host schedule a class, which then appears with a studio link", async () => {
    const user = userEvent.setup();
    const scheduled = aSession({ id: "s-new", title: "Week 5 — review" });
    const fake = courseApi("owner", []).on("POST", "/api/v1/courses/c1/sessions", json(201, scheduled));
    renderApp("/courses/c1", { signedInAs: aUser(), fake });

    await user.click(await screen.findByRole("button", { name: "Schedule a class" }));
    const form = screen.getByRole("form", { name: "Schedule a class" });
    // Empty title: caught before sending.
    await user.click(within(form).getByRole("button", { name: "Schedule class" }));
    expect(await within(form).findByText("Give the class a title.")).toBeTruthy();
    expect(fake.calls("POST", "/api/v1/courses/c1/sessions")).toHaveLength(0);

    await user.type(within(form).getByLabelText("Class title"), "Week 5 — review");
    await user.selectOptions(within(form).getByLabelText("Duration"), "90");
    await user.click(within(form).getByRole("button", { name: "Schedule class" }));

    const upcomingList = await screen.findByRole("region", { name: /Upcoming/ });
    expect(within(upcomingList).getByRole("link", { name: "Open studio" }).getAttribute("href")).toBe("/sessions/s-new/studio");
    expect(screen.queryByRole("form", { name: "Schedule a class" })).toBeNull();
    const body = fake.calls("POST", "/api/v1/courses/c1/sessions")[0]?.body as Record<string, string>;
    expect(body.title).toBe("Week 5 — review");
    expect(Date.parse(body.scheduled_end ?? "") - Date.parse(body.scheduled_start ?? "")).toBe(90 * 60_000);
    expect(body.scheduled_start).toMatch(/Z$/);
    expect(fake.calls("POST", "/api/v1/courses/c1/sessions")[0]?.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("shows the api's refusal in the form", async () => {
    const user = userEvent.setup();
    const fake = courseApi("owner", []).on(
      "POST",
      "/api/v1/courses/c1/sessions",
      problem(422, "validation", "Check the highlighted fields.", {
        errors: [{ field: "body.title", location: "body", message: "Title is already used this week." }],
      }),
    );
    renderApp("/courses/c1", { signedInAs: aUser(), fake });
    await user.click(await screen.findByRole("button", { name: "Schedule a class" }));
    await user.type(screen.getByLabelText("Class title"), "Week 5");
    await user.click(screen.getByRole("button", { name: "Schedule class" }));
    expect(await screen.findByText("Title is already used this week.")).toBeTruthy();

    // The same class again: the same key, so the api cannot schedule it twice.
    await user.click(screen.getByRole("button", { name: "Schedule class" }));
    await waitFor(() => expect(fake.calls("POST", "/api/v1/courses/c1/sessions")).toHaveLength(2));
    const [first, second] = fake.calls("POST", "/api/v1/courses/c1/sessions").map((r) => r.headers.get("Idempotency-Key"));
    expect(second).toBe(first);
  });

  it("offers a retry when the classes cannot be loaded", async () => {
    const user = userEvent.setup();
    const fake = courseApi("student", []).on(
      "GET",
      "/api/v1/courses/c1/sessions",
      problem(503, "unavailable", "The database is restarting."),
      json(200, { items: [upcoming] }),
    );
    renderApp("/courses/c1", { signedInAs: aUser(), fake });
    expect(await screen.findByText("The database is restarting.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Week 4 — the Calvin cycle")).toBeTruthy();
  });
});

describe("SessionsSection: recording", () => {
  it("ticks “Record this class” as the course records by default, and sends what is ticked", async () => {
    const user = userEvent.setup();
    const fake = courseApi("owner", []).on("POST", "/api/v1/courses/c1/sessions", json(201, aSession({ id: "s-new" })));
    fake.on("GET", "/api/v1/courses/c1", json(200, { ...course, my_role: "owner", record_by_default: false }));
    renderApp("/courses/c1", { signedInAs: aUser(), fake });

    await user.click(await screen.findByRole("button", { name: "Schedule a class" }));
    const form = screen.getByRole("form", { name: "Schedule a class" });
    const record = within(form).getByRole<HTMLInputElement>("checkbox", { name: "Record this class" });
    expect(record.checked).toBe(false);
    expect(within(form).getByText("Nothing is recorded, and there will be no replay.")).toBeTruthy();
    await user.type(within(form).getByLabelText("Class title"), "Week 5 — review");
    await user.click(within(form).getByRole("button", { name: "Schedule class" }));
    await waitFor(() => expect(fake.calls("POST", "/api/v1/courses/c1/sessions")).toHaveLength(1));
    expect(fake.calls("POST", "/api/v1/courses/c1/sessions")[0]?.body).toMatchObject({ recording_enabled: false });
    cleanup();

    const recorded = courseApi("owner", []).on("POST", "/api/v1/courses/c1/sessions", json(201, aSession({ id: "s-new" })));
    renderApp("/courses/c1", { signedInAs: aUser(), fake: recorded });
    await user.click(await screen.findByRole("button", { name: "Schedule a class" }));
    const box = screen.getByRole<HTMLInputElement>("checkbox", { name: "Record this class" });
    expect(box.checked).toBe(true);
    await user.click(box); // untick: this one is not recorded
    await user.type(screen.getByLabelText("Class title"), "Week 6");
    await user.click(screen.getByRole("button", { name: "Schedule class" }));
    await waitFor(() => expect(recorded.calls("POST", "/api/v1/courses/c1/sessions")).toHaveLength(1));
    expect(recorded.calls("POST", "/api/v1/courses/c1/sessions")[0]?.body).toMatchObject({ recording_enabled: false });
  });

  it("shows whether each upcoming and live class is recorded", async () => {
    const quiet = aSession({ id: "s-quiet", title: "Office hours", scheduled_start: "2026-12-03T10:00:00Z", scheduled_end: "2026-12-03T11:00:00Z", recording_enabled: false });
    renderApp("/courses/c1", { signedInAs: aUser({ id: "user-grace" }), fake: courseApi("student", [upcoming, quiet, live, past]) });

    const next = await screen.findByRole("region", { name: /Upcoming/ });
    const [recordedItem, quietItem] = within(next).getAllByRole("listitem");
    expect(within(recordedItem as HTMLElement).getByText("Recorded")).toBeTruthy();
    expect(within(quietItem as HTMLElement).getByText("Not recorded")).toBeTruthy();
    expect(within(screen.getByRole("region", { name: /Live now/ })).getByText("Recorded")).toBeTruthy();
    // A student edits nothing.
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
  });

  it("lets a host edit a scheduled class in place, sending only what changed", async () => {
    const user = userEvent.setup();
    const edited = { ...upcoming, title: "Week 4 — the Calvin cycle, part 1", recording_enabled: false, last_seq: 2 };
    const fake = courseApi("owner", [upcoming]).on("PATCH", "/api/v1/sessions/s-next", json(200, edited));
    renderApp("/courses/c1", { signedInAs: aUser(), fake });

    const next = await screen.findByRole("region", { name: /Upcoming/ });
    await user.click(within(next).getByRole("button", { name: "Edit" }));
    const form = screen.getByRole("form", { name: "Edit Week 4 — the Calvin cycle" });
    const title = within(form).getByLabelText<HTMLInputElement>("Class title");
    expect(document.activeElement).toBe(title);
    expect(title.value).toBe("Week 4 — the Calvin cycle");
    expect(within(form).getByLabelText<HTMLSelectElement>("Duration").value).toBe("90");
    expect(within(form).getByRole<HTMLInputElement>("checkbox", { name: "Record this class" }).checked).toBe(true);

    // The same rules as scheduling: an empty title is caught before sending.
    await user.clear(title);
    await user.click(within(form).getByRole("button", { name: "Save changes" }));
    expect(await within(form).findByText("Give the class a title.")).toBeTruthy();
    expect(fake.calls("PATCH", "/api/v1/sessions/s-next")).toHaveLength(0);

    await user.type(title, "Week 4 — the Calvin cycle, part 1");
    await user.click(within(form).getByRole("checkbox", { name: "Record this class" }));
    await user.click(within(form).getByRole("button", { name: "Save changes" }));

    expect(await within(next).findByText("Week 4 — the Calvin cycle, part 1")).toBeTruthy();
    expect(fake.calls("PATCH", "/api/v1/sessions/s-next")[0]?.body).toEqual({
      title: "Week 4 — the Calvin cycle, part 1",
      recording_enabled: false,
    });
    expect(screen.queryByRole("form", { name: /^Edit/ })).toBeNull();
    expect(within(next).getByText("Not recorded")).toBeTruthy();
  });

  it("shows the api's refusal of an edit in the form", async () => {
    const user = userEvent.setup();
    const fake = courseApi("owner", [upcoming]).on(
      "PATCH",
      "/api/v1/sessions/s-next",
      problem(409, "invalid-transition", "A live session cannot be edited this way."),
    );
    renderApp("/courses/c1", { signedInAs: aUser(), fake });
    await user.click(await screen.findByRole("button", { name: "Edit" }));
    await user.type(screen.getByLabelText("Class title"), "!");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("A live session cannot be edited this way.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.getByRole("button", { name: "Edit" })).toBeTruthy();
  });
});
