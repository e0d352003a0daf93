/** Ready-made studio wire objects for tests. */
import { SESSION_ID, aSession } from "../../../api/testing/fixtures";
import type { Asset, Participant, RaisedHand, Scene, Session, SlidePage, StudioSnapshot } from "../../../api/types";

export const DECK_ID = "a55e7000-0000-4000-8000-000000000001";

/** The class of course c1, live since now with media working, three events into its log. */
export function aLiveSession(): Session {
  return aSession({
    course_id: "c1",
    status: "live",
    started_at: new Date().toISOString(),
    media_status: "ok",
    last_seq: 3,
  });
}

export function aScene(overrides: Partial<Scene> = {}): Scene {
  return {
    id: "scene-camera",
    session_id: SESSION_ID,
    name: "Camera",
    layout: "camera",
    position: 0,
    config: {},
    ...overrides,
  };
}

/** The scenes scheduling a class creates. */
export const DEFAULT_SCENES: readonly Scene[] = [
  aScene(),
  aScene({ id: "scene-slides-camera", name: "Slides + camera", layout: "slides_camera", position: 1 }),
  aScene({ id: "scene-slides", name: "Slides", layout: "slides", position: 2 }),
  aScene({ id: "scene-screen", name: "Screen", layout: "screen_camera", position: 3 }),
];

export function aStudioSnapshot(overrides: Partial<StudioSnapshot> = {}): StudioSnapshot {
  return {
    active_scene_id: null,
    active_layout: null,
    scenes: [...DEFAULT_SCENES],
    deck: null,
    page_no: null,
    banner: null,
    stage: [],
    ...overrides,
  };
}

export function aHand(overrides: Partial<RaisedHand> = {}): RaisedHand {
  return { user_id: "user-grace", display_name: "Grace Hopper", raised_at: "2026-11-25T10:05:00Z", ...overrides };
}

export function aParticipant(overrides: Partial<Participant> = {}): Participant {
  return {
    user_id: "user-grace",
    display_name: "Grace Hopper",
    role: "participant",
    on_stage: false,
    hand_raised_at: null,
    ...overrides,
  };
}

export function aSlidePage(pageNo: number, overrides: Partial<SlidePage> = {}): SlidePage {
  return {
    page_no: pageNo,
    width: 1600,
    height: 900,
    title: `Slide ${pageNo}`,
    image_url: `https://storage.test/pages/${pageNo}.webp?sig=1`,
    thumb_url: `https://storage.test/thumbs/${pageNo}.webp?sig=1`,
    ...overrides,
  };
}

export function aDeck(pageCount = 5, overrides: Partial<Asset> = {}): Asset {
  return {
    id: DECK_ID,
    course_id: "c1",
    kind: "slide_deck",
    filename: "light-reactions.pdf",
    mime: "application/pdf",
    size_bytes: 48_213,
    sha256: "0".repeat(64),
    status: "ready",
    page_count: pageCount,
    pages_rendered: pageCount,
    error: null,
    created_at: "2026-11-25T09:00:00Z",
    url: null,
    pages: Array.from({ length: pageCount }, (_, index) => aSlidePage(index + 1)),
    ...overrides,
  };
}
