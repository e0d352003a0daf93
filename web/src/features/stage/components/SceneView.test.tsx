// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json, noContent } from "../../../api/testing/fake-fetch";
import { SESSION_ID, aJoinResponse, aSessionState, aUser } from "../../../api/testing/fixtures";
import type { SessionState, StudioSnapshot } from "../../../api/types";
import { renderApp } from "../../../app/testing/render-app";
import { anEvent } from "../../../events/testing/fake-event-log";
import { type FakeLive, FakeRemoteTrack, fakeLiveServices } from "../../sessions/testing/fake-live-services";
import { DECK_ID, aDeck, aParticipant, aStudioSnapshot } from "../../studio/testing/fixtures";

afterEach(cleanup);

const me = aUser({ id: "user-grace", display_name: "Grace Hopper" });
const base = `/api/v1/sessions/${SESSION_ID}`;
const deck = { asset_id: DECK_ID, filename: "light-reactions.pdf", page_count: 5 };

function liveState(studio: Partial<StudioSnapshot> = {}, extra: Partial<SessionState> = {}): SessionState {
  return aSessionState(
    { as_of_seq: 5, media_status: "ok", studio: aStudioSnapshot(studio), ...extra },
    { course_id: "c1", status: "live", started_at: "2026-11-25T10:00:00Z", media_status: "ok", last_seq: 5 },
  );
}

async function openClassroom(state: SessionState, fake = new FakeFetch(), live: FakeLive = fakeLiveServices()) {
  fake.on("POST", `${base}/join`, json(200, aJoinResponse(state))).on("GET", `/api/v1/assets/${DECK_ID}`, json(200, aDeck()));
  renderApp(`/sessions/${SESSION_ID}`, { signedInAs: me, fake, live });
  const stage = await screen.findByRole("region", { name: "Class stage" });
  await waitFor(() => expect(live.sockets.all).toHaveLength(1));
  await waitFor(() => expect(live.viewers).toHaveLength(1));
  const socket = live.sockets.last;
  act(() => {
    socket.open().welcome(5);
  });
  return { fake, live, socket, stage, viewer: live.viewers[0] };
}

// Whole-app renders with many steps: slow on a busy machine.
describe("The classroom's stage", { timeout: 20_000 }, () => {
  it("lands on the teacher's scene and slide, and follows scenes, slides and the banner", async () => {
    const { fake, socket, stage, viewer } = await openClassroom(
      liveState({ active_scene_id: "scene-slides-camera", active_layout: "slides_camera", deck, page_no: 3 }),
    );
    const slide = await within(stage).findByRole("img", { name: "Slide 3 of 5: Slide 3" });
    expect(slide.getAttribute("data-page")).toBe("3");
    expect(slide.getAttribute("src")).toBe(aDeck().pages[2]?.image_url);

    // The teacher's camera rides along in the corner.
    const camera = new FakeRemoteTrack("video");
    act(() => viewer?.emit({ connection: "connected", video: camera }));
    expect(camera.elements.has(within(stage).getByLabelText<HTMLVideoElement>("Teacher's camera"))).toBe(true);

    act(() => {
      socket.deliver(anEvent(6, "studio.slide_changed", { asset_id: DECK_ID, page_no: 4, title: "Slide 4" }));
    });
    expect(within(stage).getByRole("img", { name: "Slide 4 of 5: Slide 4" }).getAttribute("data-page")).toBe("4");

    // An expired page URL: the pages are read again.
    const reads = fake.calls("GET", `/api/v1/assets/${DECK_ID}`).length;
    fireEvent.error(within(stage).getByRole("img", { name: /^Slide 4/ }));
    await waitFor(() => expect(fake.calls("GET", `/api/v1/assets/${DECK_ID}`)).toHaveLength(reads + 1));

    act(() => {
      socket.deliver(anEvent(7, "studio.banner_set", { text: "Quiz after the break" }));
      socket.deliver(anEvent(8, "studio.scene_activated", { scene_id: "scene-camera", layout: "camera" }));
    });
    expect(within(stage).queryByRole("img", { name: /^Slide/ })).toBeNull();
    expect(within(stage).getByText("Quiz after the break")).toBeTruthy();
    expect(stage.getAttribute("data-layout")).toBe("camera");

    act(() => {
      socket.deliver(anEvent(9, "studio.scene_created", {
        scene: { id: "scene-board", session_id: SESSION_ID, name: "Board", layout: "whiteboard", position: 4, config: {} },
      }));
      socket.deliver(anEvent(10, "studio.scene_activated", { scene_id: "scene-board", layout: "whiteboard" }));
    });
    expect(within(stage).getByRole("img", { name: "Whiteboard" })).toBeTruthy();

    act(() => {
      socket.deliver(anEvent(11, "studio.scene_activated", { scene_id: "scene-screen", layout: "screen_camera" }));
    });
    expect(within(stage).getByText("The teacher isn't sharing a screen yet.")).toBeTruthy();
    const shared = new FakeRemoteTrack("video");
    act(() => viewer?.emit({ screen: shared }));
    expect(shared.elements.has(within(stage).getByLabelText<HTMLVideoElement>("Shared screen"))).toBe(true);
  });

  it("raises and lowers my hand, and puts me on stage while LiveKit lets me publish", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch()
      .on("POST", `${base}/hands`, json(200, aParticipant({ hand_raised_at: "2026-11-25T10:05:00Z" })))
      .on("DELETE", `${base}/hands/user-grace`, noContent());
    const { socket, viewer } = await openClassroom(liveState(), fake);
    const video = screen.getByRole("region", { name: "Teacher's video" });
    expect(video.getAttribute("data-can-publish")).toBe("false");

    await user.click(screen.getByRole("button", { name: "Raise hand" }));
    expect(fake.calls("POST", `${base}/hands`)).toHaveLength(1);
    act(() => {
      socket.deliver(anEvent(6, "hand.raised", { user_id: "u-alan", display_name: "Alan", raised_at: "2026-11-25T10:04:00Z" }));
      socket.deliver(
        anEvent(7, "hand.raised", { user_id: "user-grace", display_name: "Grace Hopper", raised_at: "2026-11-25T10:05:00Z" }),
      );
    });
    const lower = screen.getByRole("button", { name: "Lower hand" });
    expect(lower.getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByText("Your hand is up: 2nd in line.")).toBeTruthy();
    await user.click(lower);
    expect(fake.calls("DELETE", `${base}/hands/user-grace`)).toHaveLength(1);

    // The teacher brings me on stage (my hand goes down); LiveKit then lets me publish.
    act(() => {
      socket.deliver(anEvent(8, "stage.invited", { user_id: "user-grace", display_name: "Grace Hopper" }));
      socket.deliver(anEvent(9, "hand.lowered", { user_id: "user-grace", by: "user-ada" }));
    });
    expect(screen.queryByRole("button", { name: /hand/ })).toBeNull();
    expect(screen.getByText("You're being brought on stage…")).toBeTruthy();
    const mine = new FakeRemoteTrack("video");
    act(() => viewer?.emit({ connection: "connected", canPublish: true, ownCamera: mine }));
    expect(video.getAttribute("data-can-publish")).toBe("true");
    expect(screen.getByText("You're on stage: the class can see and hear you.")).toBeTruthy();
    expect(mine.elements.has(screen.getByLabelText<HTMLVideoElement>("Your camera"))).toBe(true);

    act(() => {
      socket.deliver(anEvent(10, "stage.left", { user_id: "user-grace", by: "user-ada" }));
      viewer?.emit({ canPublish: false, ownCamera: null });
    });
    expect(video.getAttribute("data-can-publish")).toBe("false");
    expect(screen.queryByLabelText("Your camera")).toBeNull();
    expect(screen.getByRole("button", { name: "Raise hand" })).toBeTruthy();
  });

  it("shows the students on stage with their camera and voice", async () => {
    const { stage, viewer } = await openClassroom(liveState({ stage: ["u-alan"] }));
    const tiles = within(stage).getByRole("list", { name: "On stage" });
    // Inside the scene's picture, beside the teacher, not under it.
    expect(tiles.closest(".scene__main")).not.toBeNull();
    expect(within(tiles).getByText("Someone")).toBeTruthy(); // not in the media room yet
    const camera = new FakeRemoteTrack("video");
    const voice = new FakeRemoteTrack("audio");
    act(() =>
      viewer?.emit({
        connection: "connected",
        people: [{ identity: "u-alan", name: "Alan Turing", camera, microphone: voice }],
      }),
    );
    expect(camera.elements.has(within(tiles).getByLabelText<HTMLVideoElement>("Alan Turing's camera"))).toBe(true);
    expect(voice.elements.size).toBe(1);
  });
});
