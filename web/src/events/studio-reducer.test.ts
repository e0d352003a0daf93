import { describe, expect, it } from "vitest";
import { aSessionState } from "../api/testing/fixtures";
import type { RaisedHand, StudioSnapshot } from "../api/types";
import { DECK_ID, aHand, aScene, aStudioSnapshot } from "../features/studio/testing/fixtures";
import { applyEvent } from "./session-reducer";
import { EMPTY_STUDIO, applyStudioEvent, isStudioEvent } from "./studio-reducer";
import { FakeEventLog, anEvent } from "./testing/fake-event-log";

type Slice = { studio: StudioSnapshot; hands: RaisedHand[] };
const empty: Slice = { studio: aStudioSnapshot(), hands: [] };
const apply = (state: Slice, type: string, payload: Record<string, unknown> = {}) =>
  applyStudioEvent(state, anEvent(99, type, payload));

describe("applyStudioEvent", () => {
  it("activates a scene with its layout", () => {
    const next = apply(empty, "studio.scene_activated", { scene_id: "scene-slides-camera", layout: "slides_camera" });
    expect(next.studio).toMatchObject({ active_scene_id: "scene-slides-camera", active_layout: "slides_camera" });
    expect(empty.studio.active_scene_id).toBeNull(); // the old slice is untouched
  });

  it("takes the layout from the scene when the event does not name a known one", () => {
    const next = apply(empty, "studio.scene_activated", { scene_id: "scene-slides", layout: "hologram" });
    expect(next.studio.active_layout).toBe("slides");
  });

  it("adds, updates and reorders scenes by position", () => {
    const added = apply(empty, "studio.scene_created", {
      scene: aScene({ id: "scene-board", name: "Board", layout: "whiteboard", position: 4 }),
    });
    expect(added.studio.scenes.map((scene) => scene.name)).toEqual([
      "Camera",
      "Slides + camera",
      "Slides",
      "Screen",
      "Board",
    ]);

    const moved = apply(added, "studio.scene_updated", {
      scenes: [
        aScene({ id: "scene-board", name: "Board", layout: "whiteboard", position: 0 }),
        aScene({ position: 1 }),
      ],
    });
    expect(moved.studio.scenes.slice(0, 2).map((scene) => scene.name)).toEqual(["Board", "Camera"]);

    const active = apply(moved, "studio.scene_activated", { scene_id: "scene-camera", layout: "camera" });
    const relaid = apply(active, "studio.scene_updated", {
      scene: aScene({ layout: "slides_camera", name: "Teaching", position: 1 }),
    });
    expect(relaid.studio.active_layout).toBe("slides_camera");
    expect(relaid.studio.scenes.find((scene) => scene.id === "scene-camera")?.name).toBe("Teaching");
  });

  it("deletes a scene, and nothing is active once the active one is gone", () => {
    const active = apply(empty, "studio.scene_activated", { scene_id: "scene-slides", layout: "slides" });
    const other = apply(active, "studio.scene_deleted", { scene_id: "scene-camera" });
    expect(other.studio.active_scene_id).toBe("scene-slides");
    const gone = apply(other, "studio.scene_deleted", { scene_id: "scene-slides" });
    expect(gone.studio).toMatchObject({ active_scene_id: null, active_layout: null });
    expect(gone.studio.scenes.map((scene) => scene.id)).toEqual(["scene-slides-camera", "scene-screen"]);
  });

  it("follows a move and a delete as the api sends them: one scene_updated per scene whose place changed", () => {
    const slidesCamera = { id: "scene-slides-camera", name: "Slides + camera", layout: "slides_camera" } as const;
    const slides = { id: "scene-slides", name: "Slides", layout: "slides" } as const;
    const screen = { id: "scene-screen", name: "Screen", layout: "screen_camera" } as const;
    // Screen moved to the top (PATCH position 0): it first, then each scene it pushed down.
    const moved = [
      aScene({ ...screen, position: 0 }),
      aScene({ position: 1 }),
      aScene({ ...slidesCamera, position: 2 }),
      aScene({ ...slides, position: 3 }),
    ].reduce((state, scene) => apply(state, "studio.scene_updated", { scene }), empty);
    expect(moved.studio.scenes).toEqual([
      aScene({ ...screen, position: 0 }),
      aScene({ position: 1 }),
      aScene({ ...slidesCamera, position: 2 }),
      aScene({ ...slides, position: 3 }),
    ]);

    // Camera deleted: the ones after it move up.
    const deleted = [
      ["studio.scene_deleted", { scene_id: "scene-camera" }],
      ["studio.scene_updated", { scene: aScene({ ...slidesCamera, position: 1 }) }],
      ["studio.scene_updated", { scene: aScene({ ...slides, position: 2 }) }],
    ] as const;
    const after = deleted.reduce((state, [type, payload]) => apply(state, type, payload), moved);
    expect(after.studio.scenes).toEqual([
      aScene({ ...screen, position: 0 }),
      aScene({ ...slidesCamera, position: 1 }),
      aScene({ ...slides, position: 2 }),
    ]);
  });

  it("attaches a deck at page 1 and follows slide changes", () => {
    const attached = apply(empty, "studio.deck_attached", {
      asset_id: DECK_ID,
      page_count: 12,
      page_no: 1,
      filename: "light.pdf",
    });
    expect(attached.studio.deck).toEqual({ asset_id: DECK_ID, filename: "light.pdf", page_count: 12 });
    expect(attached.studio.page_no).toBe(1);
    const third = apply(attached, "studio.slide_changed", { asset_id: DECK_ID, page_no: 3, title: "Light" });
    expect(third.studio.page_no).toBe(3);
  });

  it("sets and clears the banner", () => {
    const shown = apply(empty, "studio.banner_set", { text: "Quiz after the break" });
    expect(shown.studio.banner).toBe("Quiz after the break");
    expect(apply(shown, "studio.banner_set", { text: null }).studio.banner).toBeNull();
  });

  it("keeps raised hands in order, once each", () => {
    const ada = aHand({ user_id: "u-ada", display_name: "Ada", raised_at: "2026-11-25T10:01:00Z" });
    const grace = aHand({ user_id: "u-grace", display_name: "Grace", raised_at: "2026-11-25T10:02:00Z" });
    const one = apply(empty, "hand.raised", { ...ada });
    const two = apply(one, "hand.raised", { ...grace });
    expect(apply(two, "hand.raised", { ...ada })).toBe(two);
    expect(two.hands).toEqual([ada, grace]);
    expect(apply(two, "hand.lowered", { user_id: "u-ada", by: "u-ada" }).hands).toEqual([grace]);
  });

  it("brings people on stage in order and takes them off", () => {
    const one = apply(empty, "stage.invited", { user_id: "u-grace", display_name: "Grace" });
    const two = apply(one, "stage.invited", { user_id: "u-alan", display_name: "Alan" });
    expect(apply(two, "stage.invited", { user_id: "u-grace" })).toBe(two);
    expect(two.studio.stage).toEqual(["u-grace", "u-alan"]);
    expect(apply(two, "stage.left", { user_id: "u-grace", by: "u-ada" }).studio.stage).toEqual(["u-alan"]);
    expect(apply(two, "stage.joined", { user_id: "u-grace" })).toBe(two);
  });

  it("ignores malformed payloads", () => {
    expect(apply(empty, "studio.slide_changed", { page_no: 0 })).toBe(empty);
    expect(apply(empty, "studio.slide_changed", { page_no: "3" })).toBe(empty);
    expect(apply(empty, "studio.deck_attached", { asset_id: DECK_ID })).toBe(empty);
    expect(apply(empty, "studio.scene_activated", { scene_id: 7 })).toBe(empty);
    expect(apply(empty, "studio.scene_created", { scene: { id: "x", layout: "hologram" } })).toBe(empty);
    expect(apply(empty, "studio.banner_set", { text: 42 })).toBe(empty);
    expect(apply(empty, "hand.raised", { user_id: "u1" })).toBe(empty);
    expect(apply(empty, "stage.invited", {})).toBe(empty);
  });

  it("brings a stale slice to what a fresh /state would say", () => {
    const log = new FakeEventLog();
    const board = aScene({ id: "scene-board", name: "Board", layout: "whiteboard", position: 4 });
    log.append("studio.scene_created", { scene: board });
    log.append("studio.scene_activated", { scene_id: "scene-slides-camera", layout: "slides_camera" });
    log.append("studio.deck_attached", { asset_id: DECK_ID, filename: "light.pdf", page_count: 5, page_no: 1 });
    log.append("studio.slide_changed", { asset_id: DECK_ID, page_no: 3, title: "Slide 3" });
    log.append("hand.raised", { user_id: "u-grace", display_name: "Grace", raised_at: "2026-11-25T10:03:00Z" });
    log.append("hand.raised", { user_id: "u-alan", display_name: "Alan", raised_at: "2026-11-25T10:04:00Z" });
    log.append("stage.invited", { user_id: "u-grace", display_name: "Grace" });
    log.append("hand.lowered", { user_id: "u-grace", by: "u-ada" });
    log.append("studio.banner_set", { text: "Quiz after the break" });
    log.append("studio.scene_deleted", { scene_id: "scene-camera" });

    const fresh: Slice = {
      studio: aStudioSnapshot({
        active_scene_id: "scene-slides-camera",
        active_layout: "slides_camera",
        scenes: [...aStudioSnapshot().scenes.filter((scene) => scene.id !== "scene-camera"), board],
        deck: { asset_id: DECK_ID, filename: "light.pdf", page_count: 5 },
        page_no: 3,
        banner: "Quiz after the break",
        stage: ["u-grace"],
      }),
      hands: [{ user_id: "u-alan", display_name: "Alan", raised_at: "2026-11-25T10:04:00Z" }],
    };
    const replayed = log.events.reduce(
      (state, event) => ("payload" in event ? applyStudioEvent(state, event) : state),
      empty,
    );
    expect(replayed).toEqual(fresh);
  });
});

describe("through the session reducer", () => {
  it("moves as_of_seq and applies studio events to the snapshot", () => {
    const state = aSessionState({ as_of_seq: 4, studio: aStudioSnapshot() }, { status: "live", last_seq: 4 });
    const next = applyEvent(state, anEvent(5, "studio.scene_activated", { scene_id: "scene-slides", layout: "slides" }));
    expect(next.as_of_seq).toBe(5);
    expect(next.studio?.active_layout).toBe("slides");
    const raised = applyEvent(
      next,
      anEvent(6, "hand.raised", { user_id: "u1", display_name: "Grace", raised_at: "2026-11-25T10:06:00Z" }),
    );
    expect(raised.hands.map((hand) => hand.user_id)).toEqual(["u1"]);
  });

  it("starts from an empty studio when the snapshot has none", () => {
    const state = aSessionState({ as_of_seq: 1, studio: null });
    const next = applyEvent(state, anEvent(2, "studio.banner_set", { text: "Back in 5" }));
    expect(next.studio).toEqual({ ...EMPTY_STUDIO, banner: "Back in 5" });
  });
});

describe("isStudioEvent", () => {
  it("knows the studio's, the stage's and the hands' events", () => {
    expect(["studio.slide_changed", "stage.left", "hand.raised"].every(isStudioEvent)).toBe(true);
    expect(["session.started", "chat.message_posted", "handy.thing"].some(isStudioEvent)).toBe(false);
  });
});
