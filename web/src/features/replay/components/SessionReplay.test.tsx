// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json } from "../../../api/testing/fake-fetch";
import { SESSION_ID, aCourse, aJoinResponse, aSession, aSessionState, aUser } from "../../../api/testing/fixtures";
import type { Replay, Role, Session } from "../../../api/types";
import { renderApp } from "../../../app/testing/render-app";
import { anEvent } from "../../../events/testing/fake-event-log";
import { fakeLiveServices } from "../../sessions/testing/fake-live-services";
import { aProgress, aReplay } from "../testing/fixtures";

afterEach(cleanup);

const student = aUser({ id: "user-grace" });
const replayPath = (id: string) => `/api/v1/sessions/${id}/replay`;
const ended = (overrides: Partial<Session>) =>
  aSession({ status: "ended", started_at: "2026-11-18T10:00:00Z", ended_at: "2026-11-18T11:00:00Z", ...overrides });

function coursePageApi(role: Role, sessions: Session[]) {
  return new FakeFetch()
    .on("GET", "/api/v1/courses/c1", json(200, aCourse({ id: "c1", my_role: role })))
    .on("GET", "/api/v1/courses/c1/members", json(200, { items: [] }))
    .on("GET", "/api/v1/courses/c1/invites", json(200, { items: [] }))
    .on("GET", "/api/v1/courses/c1/sessions", json(200, { items: sessions }));
}

const pastClass = (name: string) => screen.getByText(name).closest("li") as HTMLElement;

describe("the course page's past classes", () => {
  it("link a ready or partial replay, and say when a class was not recorded, without asking the manifest", async () => {
    const fake = coursePageApi("student", [
      ended({ id: "s-ready", title: "Week 1", replay_status: "ready" }),
      ended({ id: "s-partial", title: "Week 2", replay_status: "partial" }),
      ended({ id: "s-off", title: "Week 3", replay_status: "none", recording_enabled: false }),
      ended({ id: "s-gone", title: "Week 0", replay_status: "deleted" }),
    ]);
    renderApp("/courses/c1", { signedInAs: student, fake });

    await screen.findByRole("region", { name: /Past/ });
    expect(within(pastClass("Week 1")).getByRole("link", { name: "Watch replay" }).getAttribute("href")).toBe("/sessions/s-ready/replay");
    expect(within(pastClass("Week 2")).getByRole("link", { name: "Watch replay" }).getAttribute("href")).toBe("/sessions/s-partial/replay");
    expect(within(pastClass("Week 2")).getByText("Transcript on its way")).toBeTruthy();
    expect(within(pastClass("Week 3")).getByText("Not recorded")).toBeTruthy();
    // A deleted recording: said once, nothing to open.
    expect(within(pastClass("Week 0")).getByText("Replay deleted")).toBeTruthy();
    expect(within(pastClass("Week 0")).queryByRole("link")).toBeNull();
    expect(fake.requests.filter((request) => request.path.endsWith("/replay"))).toHaveLength(0);
  });

  it("show which step a replay being made is at, asking again until it can be watched", async () => {
    const fake = coursePageApi("student", [ended({ id: "s-busy", title: "Week 4", replay_status: "processing" })]).on(
      "GET",
      replayPath("s-busy"),
      json(200, aReplay({ status: "processing", media: null, progress: aProgress() })),
      json(200, aReplay({ status: "partial", progress: aProgress({ step: "align" }) })),
    );
    renderApp("/courses/c1", { signedInAs: student, fake });

    expect(await screen.findByText("Replay: Transcribing 3/10")).toBeTruthy();
    const link = await screen.findByRole("link", { name: "Watch replay" }, { timeout: 6_000 });
    expect(link.getAttribute("href")).toBe("/sessions/s-busy/replay");
    expect(fake.calls("GET", replayPath("s-busy"))).toHaveLength(2);
  }, 10_000);

  it("give a failed replay's reason, and Run again to hosts only", async () => {
    const user = userEvent.setup();
    const failed = aReplay({
      status: "failed",
      media: null,
      reason: "ffmpeg could not read the recording.",
      progress: aProgress({ status: "failed" }),
    });
    const sessions = [ended({ id: "s-failed", title: "Week 5", replay_status: "failed" })];

    renderApp("/courses/c1", { signedInAs: student, fake: coursePageApi("student", sessions).on("GET", replayPath("s-failed"), json(200, failed)) });
    expect(await screen.findByText("Replay failed: ffmpeg could not read the recording.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Run again" })).toBeNull();
    cleanup();

    const fake = coursePageApi("owner", sessions)
      .on("GET", replayPath("s-failed"), json(200, failed), json(200, aReplay({ status: "processing", media: null, progress: aProgress({ step: "extract" }) })))
      .on("POST", `/internal/artifacts/runs/${failed.progress?.run_id ?? ""}/retry`, json(201, { id: "run-2" }));
    renderApp("/courses/c1", { signedInAs: aUser(), fake });
    await user.click(await screen.findByRole("button", { name: "Run again" }));
    expect(await screen.findByText("Replay: Preparing the recording")).toBeTruthy();
  });

  it("say when the recording failed, from the manifest", async () => {
    const fake = coursePageApi("student", [ended({ id: "s-lost", title: "Week 6", replay_status: "none" })]).on(
      "GET",
      replayPath("s-lost"),
      json(200, aReplay({ status: "none", media: null, recording_status: "failed", recording_error: "No recorder was free." } as Partial<Replay>)),
    );
    renderApp("/courses/c1", { signedInAs: student, fake });
    expect(await screen.findByText("Recording failed: No recorder was free.")).toBeTruthy();
  });
});

describe("the classroom after the class", () => {
  it("turns 'this class has ended' into a replay link once the replay can be watched, without a reload", async () => {
    const live = fakeLiveServices();
    const state = aSessionState(
      { as_of_seq: 5, media_status: "ok" },
      { course_id: "c1", status: "live", started_at: "2026-11-25T10:00:00Z", media_status: "ok", last_seq: 5 },
    );
    const fake = new FakeFetch()
      .on("POST", `/api/v1/sessions/${SESSION_ID}/join`, json(200, aJoinResponse(state)))
      .on(
        "GET",
        replayPath(SESSION_ID),
        json(200, aReplay({ status: "none", media: null, recording_status: "uploading" })),
        json(200, aReplay({ status: "partial", progress: aProgress() })),
      );
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: student, fake, live });

    await waitFor(() => expect(live.sockets.all).toHaveLength(1));
    const socket = live.sockets.last;
    act(() => {
      socket.open();
      socket.welcome(5);
      socket.deliver(anEvent(6, "session.ended", { ended_at: "2026-11-25T10:50:00Z", reason: "host" }));
    });

    expect(await screen.findByRole("heading", { name: "This class has ended" })).toBeTruthy();
    expect(await screen.findByText(/The recording is being saved/)).toBeTruthy();
    const link = await screen.findByRole("link", { name: "Watch the replay" }, { timeout: 6_000 });
    expect(link.getAttribute("href")).toBe(`/sessions/${SESSION_ID}/replay`);
  }, 10_000);
});
