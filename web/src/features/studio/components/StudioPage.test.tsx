// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeFetch, json, problem } from "../../../api/testing/fake-fetch";
import { SESSION_ID, aCourse, aJoinResponse, aSession, aSessionState, aUser } from "../../../api/testing/fixtures";
import { renderApp } from "../../../app/testing/render-app";
import { anEvent } from "../../../events/testing/fake-event-log";
import { fakeLiveServices } from "../../sessions/testing/fake-live-services";

afterEach(cleanup);
// jsdom has no media playback; the preview calls play() as browsers that wait need it.
beforeEach(() => {
  vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
});

const teacher = aUser({ id: "user-ada", display_name: "Ada Lovelace" });
const base = `/api/v1/sessions/${SESSION_ID}`;
const scheduled = aSessionState({ as_of_seq: 1 }, { course_id: "c1", last_seq: 1 });
const liveSession = aSession({
  course_id: "c1",
  status: "live",
  started_at: new Date().toISOString(),
  media_status: "ok",
  last_seq: 3,
});
const liveState = aSessionState({ as_of_seq: 3, media_status: "ok" }, liveSession);

function studioApi(role: "owner" | "student" = "owner") {
  return new FakeFetch()
    .on("GET", `${base}/state`, json(200, scheduled))
    .on("GET", "/api/v1/courses/c1", json(200, aCourse({ id: "c1", title: "Photosynthesis", my_role: role })));
}

describe("StudioPage", () => {
  it("checks devices, goes live with camera and microphone, and ends the class after confirming", async () => {
    const user = userEvent.setup();
    const live = fakeLiveServices();
    const fake = studioApi()
      .on("POST", `${base}/start`, json(200, liveSession))
      .on("POST", `${base}/join`, json(200, aJoinResponse(liveState, { role: "host", identity: "user-ada" })))
      .on(
        "POST",
        `${base}/end`,
        json(200, { ...liveSession, status: "ended", ended_at: new Date().toISOString(), last_seq: 4 }),
      );
    renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: teacher, fake, live });

    expect(await screen.findByRole("heading", { name: "Check your camera and microphone" })).toBeTruthy();
    expect(await screen.findByText("Camera ready")).toBeTruthy();
    expect(screen.getByText("Microphone ready")).toBeTruthy();
    expect(screen.getByLabelText("Your camera preview")).toBeTruthy();
    await waitFor(() => expect(live.sockets.all).toHaveLength(1));
    act(() => {
      live.sockets.last.open().welcome(1, "host");
    });

    await user.click(screen.getByRole("button", { name: "Go live" }));

    expect(fake.calls("POST", `${base}/start`)).toHaveLength(1);
    await waitFor(() => expect(live.broadcasts).toHaveLength(1));
    const broadcast = live.broadcasts[0];
    expect(broadcast?.token).toBe("livekit-token");
    expect(broadcast?.tracks.map((track) => track.kind)).toEqual(["video", "audio"]);
    expect(await screen.findByRole("heading", { name: "You're live" })).toBeTruthy();

    const strip = screen.getByRole("list", { name: "Class health" });
    expect(within(strip).getByText("LIVE")).toBeTruthy();
    expect(within(strip).getByLabelText("Time live").textContent).toMatch(/^00:00:0\d$/);
    expect(within(strip).getByText("Media connecting…")).toBeTruthy();
    expect(within(strip).getByText("Realtime live")).toBeTruthy();
    act(() => broadcast?.emit({ connection: "connected", publishing: { camera: true, microphone: true } }));
    expect(within(strip).getByText("Media connected")).toBeTruthy();

    // The feed's copy of the start changes nothing the response did not already say.
    act(() => {
      live.sockets.last.deliver(anEvent(2, "session.started", { started_at: liveSession.started_at }));
      live.sockets.last.deliver(anEvent(3, "session.media_status", { media_status: "ok" }));
    });
    expect(screen.getByRole("heading", { name: "You're live" })).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "End class" }));
    const confirm = screen.getByRole("group", { name: "Confirm ending the class" });
    expect(document.activeElement).toBe(within(confirm).getByRole("button", { name: "Keep going" }));
    expect(fake.calls("POST", `${base}/end`)).toHaveLength(0);
    await user.click(within(confirm).getByRole("button", { name: "End class now" }));

    expect(await screen.findByRole("heading", { name: "This class has ended" })).toBeTruthy();
    expect(fake.calls("POST", `${base}/end`)).toHaveLength(1);
    expect(broadcast?.disconnected).toBe(true);
    // The camera and microphone are released.
    expect(live.streams[0]?.getTracks().map((track) => track.readyState)).toEqual(["ended", "ended"]);
  }, 20_000);

  it("goes live without video when the media server is down, and says so", async () => {
    const user = userEvent.setup();
    const live = fakeLiveServices();
    const degraded = { ...liveSession, media_status: "degraded" as const };
    const fake = studioApi()
      .on("POST", `${base}/start`, json(200, degraded))
      .on(
        "POST",
        `${base}/join`,
        json(200, aJoinResponse(aSessionState({ media_status: "degraded", as_of_seq: 3 }, degraded), { role: "host" })),
      );
    renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: teacher, fake, live });

    await screen.findByText("Camera ready");
    await user.click(screen.getByRole("button", { name: "Go live" }));

    expect(await screen.findByText(/students can't see or hear you right now/)).toBeTruthy();
    expect(within(screen.getByRole("list", { name: "Class health" })).getByText("Media degraded")).toBeTruthy();
    expect(screen.getByRole("button", { name: "End class" })).toBeTruthy();
    expect(live.broadcasts).toHaveLength(0);
  });

  it("still lets the teacher go live when the camera is blocked", async () => {
    const user = userEvent.setup();
    const live = fakeLiveServices({
      camera: async () => Promise.reject(new DOMException("denied", "NotAllowedError")),
    });
    const fake = studioApi()
      .on("POST", `${base}/start`, json(200, liveSession))
      .on("POST", `${base}/join`, json(200, aJoinResponse(liveState, { role: "host" })));
    renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: teacher, fake, live });

    expect(await screen.findByText(/Camera and microphone access is blocked/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Try again" })).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Go live" }));
    await waitFor(() => expect(live.broadcasts).toHaveLength(1));
    expect(live.broadcasts[0]?.tracks).toEqual([]);
  });

  it("shows why going live failed", async () => {
    const user = userEvent.setup();
    const fake = studioApi().on(
      "POST",
      `${base}/start`,
      problem(409, "invalid-transition", "A canceled session cannot be started."),
    );
    renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: teacher, fake });
    await screen.findByText("Camera ready");
    await user.click(screen.getByRole("button", { name: "Go live" }));
    expect(await screen.findByText("A canceled session cannot be started.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Go live" })).toBeTruthy();
  });

  it("offers a resume, not an automatic broadcast, when reopened during a live class", async () => {
    const user = userEvent.setup();
    const live = fakeLiveServices();
    const fake = studioApi()
      .on("GET", `${base}/state`, json(200, liveState))
      .on("POST", `${base}/join`, json(200, aJoinResponse(liveState, { role: "host" })));
    renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: teacher, fake, live });

    await screen.findByText("Camera ready");
    expect(live.broadcasts).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Resume broadcast" }));
    await waitFor(() => expect(live.broadcasts).toHaveLength(1));
    expect(fake.calls("POST", `${base}/start`)).toHaveLength(0);
    expect(screen.queryByRole("button", { name: "Resume broadcast" })).toBeNull();
  });

  it("sends anyone but the course's hosts to the classroom", async () => {
    const live = fakeLiveServices();
    renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: aUser({ id: "user-grace" }), fake: studioApi("student"), live });

    expect(await screen.findByText("The studio is for the class's teachers")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Go to the classroom" }).getAttribute("href")).toBe(`/sessions/${SESSION_ID}`);
    expect(screen.queryByRole("button", { name: "Go live" })).toBeNull();
    expect(live.streams).toHaveLength(0);
  });
});
