// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeFetch, json, problem } from "../../../api/testing/fake-fetch";
import {
  RECORDING_ID,
  SESSION_ID,
  aCourse,
  aJoinResponse,
  aRecording,
  aSession,
  aSessionState,
  aUser,
} from "../../../api/testing/fixtures";
import { renderApp } from "../../../app/testing/render-app";
import { anEvent } from "../../../events/testing/fake-event-log";
import { fakeLiveServices } from "../../sessions/testing/fake-live-services";
import { aLiveSession } from "../testing/fixtures";

afterEach(cleanup);
// jsdom has no media playback; the preview calls play() as browsers that wait need it.
beforeEach(() => {
  vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
});

const teacher = aUser({ id: "user-ada", display_name: "Ada Lovelace" });
const base = `/api/v1/sessions/${SESSION_ID}`;
const scheduled = aSessionState({ as_of_seq: 1 }, { course_id: "c1", last_seq: 1 });
const liveSession = aLiveSession();
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

    expect(screen.getByText("Screen sharing starts once you're live.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Go live" }));

    expect(fake.calls("POST", `${base}/start`)).toHaveLength(1);
    await waitFor(() => expect(live.broadcasts).toHaveLength(1));
    const broadcast = live.broadcasts[0];
    expect(broadcast?.token).toBe("livekit-token");
    expect(broadcast?.tracks.map((track) => track.kind)).toEqual(["video", "audio"]);
    expect(await screen.findByRole("heading", { name: "Your camera" })).toBeTruthy();

    const strip = screen.getByRole("list", { name: "Class health" });
    expect(within(strip).getByText("LIVE")).toBeTruthy();
    expect(within(strip).getByLabelText("Time live").textContent).toMatch(/^00:00:0\d$/);
    expect(within(strip).getByText("Media connecting…")).toBeTruthy();
    expect(within(strip).getByText("Realtime live")).toBeTruthy();
    act(() => broadcast?.emit({ connection: "connected", publishing: { camera: true, microphone: true } }));
    expect(within(strip).getByText("Media connected")).toBeTruthy();
    // The copy follows the state: nothing says "once you're live" while live.
    expect(screen.queryByText(/once you're live/)).toBeNull();

    // The feed's copy of the start changes nothing the response did not already say.
    act(() => {
      live.sockets.last.deliver(anEvent(2, "session.started", { started_at: liveSession.started_at }));
      live.sockets.last.deliver(anEvent(3, "session.media_status", { media_status: "ok" }));
    });
    expect(screen.getByRole("heading", { name: "Your camera" })).toBeTruthy();

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
    expect(screen.getByText("Screen sharing waits for your video link to the class.")).toBeTruthy();
    expect(screen.queryByText(/once you're live/)).toBeNull();
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

describe("StudioPage: recording", () => {
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
  const noRecorder = "No recorder was free to record this class. It goes on, unrecorded until a recorder frees up.";

  function liveWith(state: Parameters<typeof aSessionState>[0], session: Parameters<typeof aSession>[0] = {}) {
    return aSessionState({ as_of_seq: 3, media_status: "ok", ...state }, { ...liveSession, ...session });
  }

  async function openLiveStudio(state: ReturnType<typeof liveWith>, fake = studioApi()) {
    const live = fakeLiveServices();
    fake.on("GET", `${base}/state`, json(200, state));
    renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: teacher, fake, live });
    const strip = await screen.findByRole("list", { name: "Class health" });
    await waitFor(() => expect(live.sockets.all).toHaveLength(1));
    act(() => {
      live.sockets.last.open().welcome(3, "host");
    });
    return { strip, live, fake };
  }

  it("shows REC with the time recorded, ticking every second", async () => {
    const { strip } = await openLiveStudio(liveWith({ recording: aRecording({ started_at: ago(2 * 60_000 + 3_000) }) }));

    expect(within(strip).getByText("REC")).toBeTruthy();
    const clock = within(strip).getByLabelText("Time recorded");
    const first = clock.textContent;
    expect(first).toMatch(/^00:02:0\d$/);
    await waitFor(() => expect(clock.textContent).not.toBe(first), { timeout: 2_500 });
    expect(screen.queryByRole("alert", { name: /Not recording/ })).toBeNull();
  });

  it("turns to a clear failure when recording.failed arrives, and back to REC when a recorder starts", async () => {
    const { strip, live } = await openLiveStudio(liveWith({ recording: aRecording({ status: "starting", started_at: null }) }));
    expect(within(strip).getByText("Starting recording…")).toBeTruthy();

    act(() => {
      live.sockets.last.deliver(anEvent(4, "recording.failed", { recording_id: RECORDING_ID, code: "no_recorder", reason: noRecorder }));
    });
    expect(within(strip).getByText("Not recording")).toBeTruthy();
    const alert = document.querySelector(".recording-alert-slot") as HTMLElement;
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toBe(`Not recording: ${noRecorder}`);

    act(() => {
      live.sockets.last.deliver(
        anEvent(5, "recording.started", { recording_id: RECORDING_ID, started_at: ago(1_000), provider: "participant" }),
      );
    });
    expect(within(strip).getByText("REC")).toBeTruthy();
    expect(within(strip).getByLabelText("Time recorded").textContent).toMatch(/^00:00:0\d$/);
    expect(within(strip).queryByText("Not recording")).toBeNull();
    expect(alert.textContent).toBe("");
  });

  it("says when the recording failed, and when a class records nothing", async () => {
    const { strip } = await openLiveStudio(liveWith({ recording: aRecording({ status: "failed", error: "The recorder crashed." }) }));
    expect(within(strip).getByText("Recording failed")).toBeTruthy();
    expect(screen.getByText("Recording failed:")).toBeTruthy();
    expect(screen.getByText(/The recorder crashed\./)).toBeTruthy();
    cleanup();

    const off = await openLiveStudio(liveWith({ recording: null }, { recording_enabled: false }));
    expect(within(off.strip).getByText("Not recorded")).toBeTruthy();
    expect(within(off.strip).queryByText("REC")).toBeNull();
  });

  it("says the recording is starting once live (learnt from /join), then REC when the recorder reports", async () => {
    const user = userEvent.setup();
    const live = fakeLiveServices();
    const fake = studioApi()
      .on("POST", `${base}/start`, json(200, liveSession))
      .on(
        "POST",
        `${base}/join`,
        json(200, aJoinResponse(liveWith({ recording: aRecording({ status: "starting", started_at: null }) }), { role: "host" })),
      );
    renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: teacher, fake, live });
    expect(await screen.findByText(/This class will be recorded: students are told so\./)).toBeTruthy();
    await screen.findByText("Camera ready");
    await user.click(screen.getByRole("button", { name: "Go live" }));
    const strip = await screen.findByRole("list", { name: "Class health" });
    await waitFor(() => expect(within(strip).getByText("Starting recording…")).toBeTruthy());

    act(() => {
      live.sockets.last.open().welcome(1, "host");
      live.sockets.last.deliver(anEvent(2, "session.started", { started_at: liveSession.started_at }));
      live.sockets.last.deliver(anEvent(3, "session.media_status", { media_status: "ok" }));
    });
    expect(within(strip).getByText("Starting recording…")).toBeTruthy();
    act(() => {
      live.sockets.last.deliver(anEvent(4, "recording.started", { recording_id: RECORDING_ID, started_at: ago(0), provider: "participant" }));
    });
    expect(within(strip).getByText("REC")).toBeTruthy();
  });

  it("warns that a class running over ends by itself, and Extend gives it 30 minutes more", async () => {
    const user = userEvent.setup();
    const now = Date.now();
    const overtime = liveWith(
      {},
      {
        scheduled_start: new Date(now - 88 * 60_000).toISOString(),
        scheduled_end: new Date(now - 28 * 60_000 - 30_000).toISOString(),
        started_at: new Date(now - 88 * 60_000).toISOString(),
        ending_reason: "overtime",
        ending_at: new Date(now + 105_000).toISOString(),
        recording_enabled: false,
      },
    );
    const extendedEnd = new Date(Date.parse(overtime.session.scheduled_end) + 30 * 60_000).toISOString();
    // The api's answer spells the same ending time another way ("Z", not "+00:00").
    const fake = studioApi().on(
      "PATCH",
      base,
      json(200, {
        ...overtime.session,
        scheduled_end: extendedEnd,
        ending_at: (overtime.session.ending_at ?? "").replace(/Z$/, "+00:00"),
        last_seq: 4,
      }),
    );
    const { live } = await openLiveStudio(overtime, fake);

    expect(await screen.findByText(/^This class ends by itself in 1:(4\d|3\d) — it is 28 minutes past its scheduled end\.$/)).toBeTruthy();
    const announced = [...document.querySelectorAll('[role="alert"]')].map((region) => region.textContent);
    expect(announced).toContain("This class will end by itself soon: it is running past its scheduled end. You can extend it.");

    await user.click(screen.getByRole("button", { name: "Extend by 30 minutes" }));
    expect(fake.calls("PATCH", base)[0]?.body).toEqual({ scheduled_end: extendedEnd });
    expect(await screen.findByText(/^Extended by 30 minutes: the class is now scheduled to end at /)).toBeTruthy();
    expect(screen.queryByText(/ends by itself in/)).toBeNull();

    act(() => {
      live.sockets.last.deliver(anEvent(4, "session.updated", { scheduled_end: extendedEnd }));
      live.sockets.last.deliver(anEvent(5, "session.ending_canceled", { reason: "overtime" }));
    });
    expect(screen.queryByText(/^Extended by 30 minutes/)).toBeNull();
  });

  it("warns when nobody teaches the class, without Extend, and says why it ended by itself", async () => {
    const abandoned = liveWith({ recording: aRecording() }, { ending_reason: "abandoned", ending_at: new Date(Date.now() + 90_000).toISOString() });
    const { live } = await openLiveStudio(abandoned);

    expect(await screen.findByText(/^This class ends by itself in 1:[23]\d — no teacher has been connected\.$/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Extend by 30 minutes" })).toBeNull();

    act(() => {
      live.sockets.last.deliver(
        anEvent(4, "session.ended", {
          ended_at: new Date().toISOString(),
          reason: "abandoned",
          detail: "No teacher was connected for 15 minutes.",
        }),
      );
    });
    expect(await screen.findByRole("heading", { name: "This class has ended" })).toBeTruthy();
    expect(screen.getByText("It ended by itself. No teacher was connected for 15 minutes.")).toBeTruthy();
    expect(screen.queryByText(/ends by itself in/)).toBeNull();
  });
});
