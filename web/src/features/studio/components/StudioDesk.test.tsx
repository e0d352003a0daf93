// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeFetch, json, noContent } from "../../../api/testing/fake-fetch";
import { SESSION_ID, aCourse, aJoinResponse, aSessionState, aUser } from "../../../api/testing/fixtures";
import type { SessionState, StudioSnapshot } from "../../../api/types";
import { renderApp } from "../../../app/testing/render-app";
import { anEvent } from "../../../events/testing/fake-event-log";
import { type FakeLive, FakeRemoteTrack, fakeLiveServices } from "../../sessions/testing/fake-live-services";
import { FakeUploadRequests } from "../testing/fake-upload-request";
import { DECK_ID, aDeck, aHand, aLiveSession, aParticipant, aStudioSnapshot } from "../testing/fixtures";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});
beforeEach(() => {
  vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
});

const teacher = aUser({ id: "user-ada", display_name: "Ada Lovelace" });
const base = `/api/v1/sessions/${SESSION_ID}`;
const liveSession = aLiveSession();
const attached = { asset_id: DECK_ID, filename: "light-reactions.pdf", page_count: 5 };

function liveState(studio: Partial<StudioSnapshot> = {}, extra: Partial<SessionState> = {}): SessionState {
  return aSessionState({ as_of_seq: 3, media_status: "ok", studio: aStudioSnapshot(studio), ...extra }, liveSession);
}

function studioApi(state: SessionState) {
  return new FakeFetch()
    .on("GET", `${base}/state`, json(200, state))
    .on("GET", "/api/v1/courses/c1", json(200, aCourse({ id: "c1", title: "Photosynthesis", my_role: "owner" })))
    .on("GET", `/api/v1/assets/${DECK_ID}`, json(200, aDeck()))
    .on("GET", `${base}/participants`, json(200, { items: [] }))
    .on("POST", `${base}/studio/activate-scene`, json(200, aStudioSnapshot()))
    .on("POST", `${base}/studio/slide`, json(200, aStudioSnapshot()))
    .on("POST", `${base}/studio/deck`, json(200, aStudioSnapshot()))
    .on("POST", `${base}/studio/banner`, json(200, aStudioSnapshot()));
}

async function openStudio(state: SessionState, fake = studioApi(state), live: FakeLive = fakeLiveServices()) {
  renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: teacher, fake, live });
  await screen.findByRole("region", { name: "Program preview" });
  await waitFor(() => expect(live.sockets.all).toHaveLength(1));
  act(() => {
    live.sockets.last.open().welcome(3, "host");
  });
  return { fake, live, socket: live.sockets.last };
}

const program = () => screen.getByRole("region", { name: "Program preview" });

// Whole-app renders with many steps: slow on a busy machine.
describe("Studio desk", { timeout: 20_000 }, () => {
  it("switches scenes, and the program shows what students see", async () => {
    const user = userEvent.setup();
    const { fake, socket } = await openStudio(liveState({ deck: attached, page_no: 1 }));

    const scenes = screen.getByRole("group", { name: "Scenes" });
    expect(within(scenes).getAllByRole("button").map((button) => button.getAttribute("aria-pressed"))).toEqual([
      "false",
      "false",
      "false",
      "false",
    ]);
    await user.click(within(scenes).getByRole("button", { name: /^Slides \+ camera/ }));
    expect(fake.calls("POST", `${base}/studio/activate-scene`).map((call) => call.body)).toEqual([
      { scene_id: "scene-slides-camera" },
    ]);
    act(() => {
      socket.deliver(anEvent(4, "studio.scene_activated", { scene_id: "scene-slides-camera", layout: "slides_camera" }));
    });
    expect(within(scenes).getByRole("button", { name: /^Slides \+ camera/ }).getAttribute("aria-pressed")).toBe("true");
    expect(program().getAttribute("data-layout")).toBe("slides_camera");
    const slide = await within(program()).findByRole("img", { name: "Slide 1 of 5: Slide 1" });
    expect(slide.getAttribute("src")).toBe(aDeck().pages[0]?.image_url);
    expect(within(program()).getByLabelText("Your camera in the program")).toBeTruthy();
  });

  it("moves the slides with the arrow keys, the thumbnails and the buttons, but not while typing", async () => {
    const user = userEvent.setup();
    const { fake, socket } = await openStudio(
      liveState({ deck: attached, page_no: 1, active_scene_id: "scene-slides", active_layout: "slides" }),
    );

    // → is the next slide, shown at once.
    const thumbnails = await screen.findByRole("list", { name: "Pages" });
    expect(within(thumbnails).getAllByRole("button")).toHaveLength(5);
    await user.keyboard("{ArrowRight}");
    expect(fake.calls("POST", `${base}/studio/slide`).map((call) => call.body)).toEqual([{ page_no: 2 }]);
    expect(screen.getByRole("group", { name: "Slide" }).textContent).toContain("2 / 5");
    act(() => {
      socket.deliver(anEvent(4, "studio.slide_changed", { asset_id: DECK_ID, page_no: 2, title: "Slide 2" }));
    });
    expect((await within(program()).findByRole("img", { name: "Slide 2 of 5: Slide 2" })).getAttribute("data-page")).toBe(
      "2",
    );

    // Typing in a text field keeps the arrows for the text.
    await user.click(screen.getByLabelText("Banner text"));
    await user.keyboard("Quiz{ArrowLeft}{ArrowRight}");
    expect(fake.calls("POST", `${base}/studio/slide`)).toHaveLength(1);

    await user.click(within(thumbnails).getByRole("button", { name: "Show slide 4: Slide 4" }));
    await user.click(screen.getByRole("button", { name: "Previous slide" }));
    await waitFor(() => expect(fake.calls("POST", `${base}/studio/slide`)).toHaveLength(3));
    expect(fake.calls("POST", `${base}/studio/slide`).map((call) => call.body)).toEqual([
      { page_no: 2 },
      { page_no: 4 },
      { page_no: 3 },
    ]);
  });

  it("sends fast key presses one at a time, ending on the page last asked for", async () => {
    const user = userEvent.setup();
    let answer: (response: Response) => void = () => undefined;
    const firstAnswer = new Promise<Response>((resolve) => {
      answer = resolve;
    });
    const state = liveState({ deck: attached, page_no: 1 });
    const fake = studioApi(state).on(
      "POST",
      `${base}/studio/slide`,
      () => firstAnswer,
      json(200, aStudioSnapshot()),
    );
    await openStudio(state, fake);
    await screen.findByRole("list", { name: "Pages" });

    await user.keyboard("{ArrowRight}{ArrowRight}{ArrowRight}");
    expect(screen.getByRole("group", { name: "Slide" }).textContent).toContain("4 / 5");
    expect(fake.calls("POST", `${base}/studio/slide`).map((call) => call.body)).toEqual([{ page_no: 2 }]);
    answer(new Response(JSON.stringify(aStudioSnapshot()), { status: 200, headers: { "Content-Type": "application/json" } }));
    await waitFor(() => expect(fake.calls("POST", `${base}/studio/slide`)).toHaveLength(2));
    expect(fake.calls("POST", `${base}/studio/slide`)[1]?.body).toEqual({ page_no: 4 });
  });

  it("uploads a deck with progress, then shows it to the class and its thumbnails", async () => {
    const user = userEvent.setup();
    const uploads = new FakeUploadRequests().install();
    const processing = aDeck(5, { status: "processing", pages_rendered: 0, pages: [] });
    const state = liveState();
    const fake = studioApi(state).on(
      "GET",
      `/api/v1/assets/${DECK_ID}`,
      json(200, aDeck(5, { status: "processing", pages_rendered: 3, pages: [] })),
      json(200, aDeck()),
    );
    const { socket } = await openStudio(state, fake);
    expect(screen.getByText(/No slides yet/)).toBeTruthy();

    const file = new File(["%PDF-1.4"], "light-reactions.pdf", { type: "application/pdf" });
    await user.upload(screen.getByLabelText("Upload a PDF deck"), file);
    await waitFor(() => expect(uploads.all).toHaveLength(1));
    expect(uploads.last.url).toBe("/api/v1/courses/c1/assets");
    expect(uploads.last.body?.get("kind")).toBe("slide_deck");
    act(() => uploads.last.progress(40, 100));
    expect(screen.getByText("Uploading light-reactions.pdf… 40%")).toBeTruthy();
    expect(screen.getByRole("progressbar", { name: "Deck progress" }).getAttribute("value")).toBe("0.4");

    act(() => uploads.last.respond(201, processing));
    expect(await screen.findByText("Rendering light-reactions.pdf: page 0 of 5")).toBeTruthy();
    expect(await screen.findByText("Rendering light-reactions.pdf: page 3 of 5")).toBeTruthy();
    // Ready: a class without slides gets this deck at once.
    await waitFor(() => expect(fake.calls("POST", `${base}/studio/deck`)).toHaveLength(1), { timeout: 3_000 });
    expect(fake.calls("POST", `${base}/studio/deck`)[0]?.body).toEqual({ asset_id: DECK_ID });

    act(() => {
      socket.deliver(anEvent(4, "studio.deck_attached", { ...attached, page_no: 1, title: "Slide 1" }));
    });
    const thumbnails = await screen.findByRole("list", { name: "Pages" });
    expect(within(thumbnails).getAllByRole("button")).toHaveLength(5);
    expect(screen.queryByRole("progressbar", { name: "Deck progress" })).toBeNull();
    expect(screen.getByText("light-reactions.pdf")).toBeTruthy();
  });

  it("says why an upload was refused, in the server's words", async () => {
    const user = userEvent.setup();
    const uploads = new FakeUploadRequests().install();
    await openStudio(liveState());

    await user.upload(
      screen.getByLabelText("Upload a PDF deck"),
      new File(["%PDF-1.4"], "huge.pdf", { type: "application/pdf" }),
    );
    await waitFor(() => expect(uploads.all).toHaveLength(1));
    act(() =>
      uploads.last.respond(413, {
        type: "payload-too-large",
        title: "Payload too large",
        status: 413,
        detail: "This file is larger than 50 MB.",
      }),
    );
    expect(await screen.findByText("huge.pdf: This file is larger than 50 MB.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByText(/huge\.pdf/)).toBeNull();
  });

  it("shows a banner over the program and takes it down", async () => {
    const user = userEvent.setup();
    const { fake, socket } = await openStudio(liveState());

    await user.type(screen.getByLabelText("Banner text"), "  Quiz after the break ");
    await user.click(screen.getByRole("button", { name: "Show banner" }));
    expect(fake.calls("POST", `${base}/studio/banner`)[0]?.body).toEqual({ text: "Quiz after the break" });
    act(() => {
      socket.deliver(anEvent(4, "studio.banner_set", { text: "Quiz after the break" }));
    });
    expect(within(program()).getByText("Quiz after the break")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Take down" }));
    expect(fake.calls("POST", `${base}/studio/banner`)[1]?.body).toEqual({ text: null });
    act(() => {
      socket.deliver(anEvent(5, "studio.banner_set", { text: null }));
    });
    expect(within(program()).queryByText("Quiz after the break")).toBeNull();
  });

  it("lists raised hands in order, brings one on stage, lowers another and removes from stage", async () => {
    const user = userEvent.setup();
    const grace = aHand({ user_id: "u-grace", display_name: "Grace Hopper", raised_at: "2026-11-25T10:01:00Z" });
    const alan = aHand({ user_id: "u-alan", display_name: "Alan Turing", raised_at: "2026-11-25T10:02:00Z" });
    const state = liveState({}, { hands: [grace, alan], participant_count: 4 });
    const fake = studioApi(state)
      .on(
        "GET",
        `${base}/participants`,
        json(200, {
          items: [
            aParticipant({ user_id: "u-grace", display_name: "Grace Hopper", hand_raised_at: grace.raised_at }),
            aParticipant({ user_id: "u-alan", display_name: "Alan Turing", hand_raised_at: alan.raised_at }),
            aParticipant({ user_id: "user-ada", display_name: "Ada Lovelace", role: "host" }),
            aParticipant({ user_id: "u-linus", display_name: "Linus Pauling" }),
          ],
        }),
      )
      .on("POST", `${base}/stage/u-grace`, json(200, aParticipant({ user_id: "u-grace", on_stage: true })))
      .on("DELETE", `${base}/hands/u-alan`, noContent())
      .on("DELETE", `${base}/stage/u-grace`, noContent());
    const { socket } = await openStudio(state, fake);

    const hands = screen.getByRole("list", { name: "Raised hands" });
    expect(within(hands).getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      expect.stringContaining("Grace Hopper"),
      expect.stringContaining("Alan Turing"),
    ]);
    expect(screen.getByText("Nobody is on stage.")).toBeTruthy();

    await user.click(within(hands).getByRole("button", { name: "Bring Grace Hopper on stage" }));
    expect(fake.calls("POST", `${base}/stage/u-grace`)).toHaveLength(1);
    act(() => {
      socket.deliver(anEvent(4, "stage.invited", { user_id: "u-grace", display_name: "Grace Hopper" }));
      socket.deliver(anEvent(5, "hand.lowered", { user_id: "u-grace", by: "user-ada" }));
    });
    const onStage = await screen.findByRole("list", { name: "People on stage" });
    expect(within(onStage).getByText("Grace Hopper")).toBeTruthy();
    expect(within(screen.getByRole("list", { name: "Raised hands" })).queryByText("Grace Hopper")).toBeNull();
    // Her tile is in the program, waiting for her camera.
    expect(within(program()).getByLabelText("Grace Hopper's camera")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Lower Alan Turing's hand" }));
    expect(fake.calls("DELETE", `${base}/hands/u-alan`)).toHaveLength(1);
    act(() => {
      socket.deliver(anEvent(6, "hand.lowered", { user_id: "u-alan", by: "user-ada" }));
    });
    expect(await screen.findByText("No hands up.")).toBeTruthy();

    await user.click(within(onStage).getByRole("button", { name: "Remove Grace Hopper from stage" }));
    expect(fake.calls("DELETE", `${base}/stage/u-grace`)).toHaveLength(1);
    act(() => {
      socket.deliver(anEvent(7, "stage.left", { user_id: "u-grace", by: "user-ada" }));
    });
    expect(await screen.findByText("Nobody is on stage.")).toBeTruthy();
    expect(within(program()).queryByLabelText("Grace Hopper's camera")).toBeNull();
  });

  it("shares the screen once broadcasting, and shows it in a Screen scene with the guests' cameras", async () => {
    const user = userEvent.setup();
    const state = liveState({ active_scene_id: "scene-screen", active_layout: "screen_camera", stage: ["u-grace"] });
    const fake = studioApi(state).on("POST", `${base}/join`, json(200, aJoinResponse(state, { role: "host" })));
    const { live } = await openStudio(state, fake);
    expect(within(program()).getByText("You're not sharing a screen: use Share screen.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Share screen" }).hasAttribute("disabled")).toBe(true);

    await user.click(await screen.findByRole("button", { name: "Resume broadcast" }));
    await waitFor(() => expect(live.broadcasts).toHaveLength(1));
    const broadcast = live.broadcasts[0];
    const graceCamera = new FakeRemoteTrack("video");
    const graceVoice = new FakeRemoteTrack("audio");
    act(() =>
      broadcast?.emit({
        connection: "connected",
        people: [{ identity: "u-grace", name: "Grace Hopper", camera: graceCamera, microphone: graceVoice }],
      }),
    );
    expect(graceCamera.elements.has(within(program()).getByLabelText<HTMLVideoElement>("Grace Hopper's camera"))).toBe(true);
    expect(graceVoice.elements.size).toBe(1);

    await user.click(screen.getByRole("button", { name: "Share screen" }));
    expect(broadcast?.screenShares).toEqual([true]);
    const shared = within(program()).getByLabelText<HTMLVideoElement>("Shared screen");
    const screenTrack = broadcast?.broadcast.screen as FakeRemoteTrack;
    expect(screenTrack.elements.has(shared)).toBe(true);
    await user.click(screen.getByRole("button", { name: "Stop sharing" }));
    expect(broadcast?.screenShares).toEqual([true, false]);
  });
});
