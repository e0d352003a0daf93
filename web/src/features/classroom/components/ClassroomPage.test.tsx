// @vitest-environment jsdom
import { act, cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json, problem } from "../../../api/testing/fake-fetch";
import { RECORDING_ID, SESSION_ID, aJoinResponse, aRecording, aSessionState, aUser } from "../../../api/testing/fixtures";
import type { SessionState } from "../../../api/types";
import { renderApp } from "../../../app/testing/render-app";
import { anEvent } from "../../../events/testing/fake-event-log";
import { FakeRemoteTrack, fakeLiveServices } from "../../sessions/testing/fake-live-services";

afterEach(cleanup);

const student = aUser({ id: "user-grace", display_name: "Grace Hopper" });
const joinPath = `/api/v1/sessions/${SESSION_ID}/join`;
const scheduled = aSessionState({ as_of_seq: 3, participant_count: 1 }, { course_id: "c1", last_seq: 3 });
const liveState: SessionState = aSessionState(
  { as_of_seq: 5, media_status: "ok" },
  { course_id: "c1", status: "live", started_at: "2026-11-25T10:00:00Z", media_status: "ok", last_seq: 5 },
);

async function openSocket(live: ReturnType<typeof fakeLiveServices>, count = 1) {
  await waitFor(() => expect(live.sockets.all).toHaveLength(count));
  const socket = live.sockets.last;
  act(() => {
    socket.open();
  });
  return socket;
}

describe("ClassroomPage", () => {
  it("waits for the class, shows the teacher once live, and says when the class has ended", async () => {
    const user = userEvent.setup();
    const live = fakeLiveServices();
    const fake = new FakeFetch().on(
      "POST",
      joinPath,
      json(200, aJoinResponse(scheduled)),
      json(200, aJoinResponse(liveState)),
    );
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: student, fake, live });

    expect(await screen.findByRole("heading", { name: "Waiting for the class to start" })).toBeTruthy();
    expect(screen.getByRole("heading", { level: 1, name: "Photosynthesis — Week 3" })).toBeTruthy();
    expect(live.viewers).toHaveLength(0);

    // The live feed starts from the snapshot /join returned.
    const socket = await openSocket(live);
    expect(live.socketSessions).toEqual([SESSION_ID]);
    expect(socket.hello).toMatchObject({ type: "hello", after: 3 });
    expect(socket.hello?.token).toMatch(/^access-/);
    act(() => {
      socket.welcome(3);
      socket.deliver(anEvent(4, "session.started", { started_at: "2026-11-25T10:00:00Z" }));
      socket.deliver(anEvent(5, "session.media_status", { media_status: "ok" }));
    });

    // Live: the page asks /join again for media credentials and connects to the room.
    await waitFor(() => expect(live.viewers).toHaveLength(1));
    expect(fake.calls("POST", joinPath)).toHaveLength(2);
    const viewer = live.viewers[0];
    expect(viewer?.token).toBe("livekit-token");
    expect(await screen.findByText("Connecting to the class video…")).toBeTruthy();

    const camera = new FakeRemoteTrack("video");
    const voice = new FakeRemoteTrack("audio");
    act(() => viewer?.emit({ connection: "connected", video: camera, audio: voice, audioBlocked: true }));
    const video = screen.getByLabelText<HTMLVideoElement>("Teacher's camera");
    expect(camera.elements.has(video)).toBe(true);
    expect(video.muted).toBe(true);
    expect(voice.elements.size).toBe(1);
    expect(screen.queryByText("Connecting to the class video…")).toBeNull();

    // Autoplay with sound was refused: one click turns it on.
    await user.click(screen.getByRole("button", { name: "Unmute" }));
    expect(viewer?.audioStarts).toBe(1);
    expect(await screen.findByRole("button", { name: "Mute" })).toBeTruthy();

    act(() => {
      socket.deliver(anEvent(6, "session.ended", { ended_at: "2026-11-25T10:50:00Z", reason: "host" }));
    });
    expect(await screen.findByRole("heading", { name: "This class has ended" })).toBeTruthy();
    expect(viewer?.disconnected).toBe(true);
    expect(screen.queryByLabelText("Teacher's camera")).toBeNull();
    expect(socket.closedByClient?.code).toBe(1000); // nothing more will come
  });

  it("shows reconnecting, with the time since the last update, while the feed is down", async () => {
    const live = fakeLiveServices();
    const fake = new FakeFetch().on("POST", joinPath, json(200, aJoinResponse(liveState)));
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: student, fake, live });

    const socket = await openSocket(live);
    act(() => {
      socket.welcome(5);
    });
    expect(screen.queryByText("Reconnecting…")).toBeNull();
    act(() => socket.closeFromServer(1006));

    expect(await screen.findByText("Reconnecting…")).toBeTruthy();
    expect(screen.getByText(/^Last update (just now|\d+ s ago)$/)).toBeTruthy();
  });

  it("keeps the class running without video when media is degraded", async () => {
    const live = fakeLiveServices();
    const degraded = aSessionState(
      { as_of_seq: 5, media_status: "degraded" },
      { course_id: "c1", status: "live", media_status: "degraded", last_seq: 5 },
    );
    const fake = new FakeFetch().on("POST", joinPath, json(200, aJoinResponse(degraded)));
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: student, fake, live });

    expect(await screen.findByText(/Video isn't available right now/)).toBeTruthy();
    expect(screen.queryByText("Connecting to the class video…")).toBeNull();
    expect(live.viewers).toHaveLength(0);
    expect(fake.calls("POST", joinPath)).toHaveLength(1);
  });

  it("asks again for media credentials when the first ask failed", async () => {
    const live = fakeLiveServices();
    const liveWithoutCredentials = aJoinResponse(liveState, { token: null, livekit_url: null });
    const fake = new FakeFetch().on(
      "POST",
      joinPath,
      json(200, liveWithoutCredentials),
      problem(503, "unavailable", "Try again."),
      json(200, aJoinResponse(liveState)),
    );
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: student, fake, live });

    await waitFor(() => expect(live.viewers).toHaveLength(1), { timeout: 6_000 });
    expect(fake.calls("POST", joinPath)).toHaveLength(3);
  }, 10_000);

  it("offers the studio to a host who opens the classroom", async () => {
    const fake = new FakeFetch().on("POST", joinPath, json(200, aJoinResponse(scheduled, { role: "host" })));
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: aUser(), fake });
    const link = await screen.findByRole("link", { name: "Open the studio" });
    expect(link.getAttribute("href")).toBe(`/sessions/${SESSION_ID}/studio`);
  });

  it("explains a class that is not there, and offers a retry for other failures", async () => {
    const user = userEvent.setup();
    const missing = new FakeFetch().on("POST", joinPath, problem(404, "not-found", "No such session."));
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: student, fake: missing });
    expect(await screen.findByText("We couldn't find this class")).toBeTruthy();
    cleanup();

    const flaky = new FakeFetch().on(
      "POST",
      joinPath,
      problem(503, "unavailable", "The database is restarting."),
      json(200, aJoinResponse(scheduled)),
    );
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: student, fake: flaky });
    expect(await screen.findByText("The database is restarting.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("heading", { name: "Waiting for the class to start" })).toBeTruthy();
  });
});

describe("ClassroomPage: recording and ending", () => {
  const notice = () => document.querySelector(".recorded-notice-slot") as HTMLElement;

  it("tells students the class will be recorded, then that it is, with the REC mark", async () => {
    const live = fakeLiveServices();
    const recordedLive = { ...liveState, recording: aRecording({ status: "starting", started_at: null }) };
    const fake = new FakeFetch().on("POST", joinPath, json(200, aJoinResponse(scheduled)), json(200, aJoinResponse(recordedLive)));
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: student, fake, live });

    expect(await screen.findByText("This class will be recorded.")).toBeTruthy();
    expect(notice().getAttribute("role")).toBe("status");

    const socket = await openSocket(live);
    act(() => {
      socket.welcome(3);
      socket.deliver(anEvent(4, "session.started", { started_at: "2026-11-25T10:00:00Z" }));
      socket.deliver(anEvent(5, "session.media_status", { media_status: "ok" }));
    });
    expect(await screen.findByText("This class is recorded.")).toBeTruthy();
    expect(notice().textContent).toBe("RECThis class is recorded.");
    expect(notice().querySelector(".rec-mark")).toBeTruthy();

    act(() => {
      socket.deliver(anEvent(6, "recording.started", { recording_id: RECORDING_ID, started_at: "2026-11-25T10:00:05Z", provider: "participant" }));
    });
    expect(screen.getByText("This class is recorded.")).toBeTruthy();
  });

  it("says nothing about recording when the class is not recorded", async () => {
    const notRecorded = aSessionState({ as_of_seq: 5, media_status: "ok" }, { ...liveState.session, recording_enabled: false });
    const fake = new FakeFetch().on("POST", joinPath, json(200, aJoinResponse(notRecorded)));
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: student, fake });
    await screen.findByRole("heading", { level: 1, name: "Photosynthesis — Week 3" });
    expect(screen.queryByText(/recorded/)).toBeNull();
  });

  it("tells students the class is about to end by itself, then why it ended", async () => {
    const live = fakeLiveServices();
    const ending = aSessionState(
      { as_of_seq: 5, media_status: "ok", recording: aRecording() },
      { ...liveState.session, ending_reason: "abandoned", ending_at: new Date(Date.now() + 100_000).toISOString() },
    );
    const fake = new FakeFetch().on("POST", joinPath, json(200, aJoinResponse(ending)));
    renderApp(`/sessions/${SESSION_ID}`, { signedInAs: student, fake, live });

    expect(await screen.findByText(/^This class ends by itself in 1:[34]\d: your teacher isn't connected\.$/)).toBeTruthy();
    const socket = await openSocket(live);
    act(() => {
      socket.welcome(5);
      socket.deliver(anEvent(6, "session.ending_canceled", { reason: "abandoned" }));
    });
    expect(screen.queryByText(/ends by itself/)).toBeNull();

    act(() => {
      socket.deliver(anEvent(7, "session.ending_soon", { reason: "overtime", ends_at: new Date(Date.now() + 60_000).toISOString(), detail: "…" }));
    });
    expect(await screen.findByText(/: it is running past its scheduled end\.$/)).toBeTruthy();
    act(() => {
      socket.deliver(
        anEvent(8, "session.ended", { ended_at: new Date().toISOString(), reason: "abandoned", detail: "The class ran 30 minutes past its scheduled end." }),
      );
    });
    expect(await screen.findByRole("heading", { name: "This class has ended" })).toBeTruthy();
    expect(screen.getByText("It ended by itself. The class ran 30 minutes past its scheduled end.")).toBeTruthy();
  });
});
