/**
 * The studio's part of a session snapshot — the active scene, the deck and its page, the
 * banner, who is on stage, and the raised hands in order — moved forward by `studio.*`,
 * `stage.*` and `hand.*` events. The client's twin of the api's studio projection:
 * applying the events after a snapshot gives what a fresh `/state` would say.
 *
 * Payloads are checked, not trusted: an event whose fields are malformed changes nothing
 * (their names are the catalog's, `known-event.ts`).
 * `session-reducer.ts` calls this for those event types (after moving `as_of_seq`).
 */
import type { EventEnvelope, RaisedHand, Scene, StudioSnapshot } from "../api/types";
import { SCENE_LAYOUT_VALUES } from "./event-catalog.gen";
import { type KnownEvent, knownEvent } from "./known-event";
import { asScene, isLayout, isPositiveInt } from "./payload-values";

/** The slice of `/state` this reducer owns. */
export interface StudioSlice {
  studio?: StudioSnapshot | null | undefined;
  hands: RaisedHand[];
}

/** A studio before its first event: no active scene (the camera shows), no deck, nobody on stage. */
export const EMPTY_STUDIO: StudioSnapshot = {
  active_scene_id: null,
  active_layout: null,
  scenes: [],
  deck: null,
  page_no: null,
  banner: null,
  stage: [],
};

/** Every scene layout, in the switcher's order. */
export const LAYOUTS = SCENE_LAYOUT_VALUES;

const PREFIXES = ["studio.", "stage.", "hand."] as const;

export function isStudioEvent(type: string): boolean {
  return PREFIXES.some((prefix) => type.startsWith(prefix));
}

type StudioEvent = Extract<KnownEvent, { type: `${(typeof PREFIXES)[number]}${string}` }>;

function isStudio(event: KnownEvent): event is StudioEvent {
  return isStudioEvent(event.type);
}

export function applyStudioEvent<State extends StudioSlice>(state: State, event: Pick<EventEnvelope, "type" | "payload">): State {
  const known = knownEvent(event);
  if (known === null || !isStudio(known)) return state;
  const before = state.studio ?? EMPTY_STUDIO;
  const studio = nextStudio(before, known);
  const hands = nextHands(state.hands, known);
  if (studio === before && hands === state.hands) return state;
  return { ...state, studio, hands };
}

function nextStudio(studio: StudioSnapshot, { type, payload }: StudioEvent): StudioSnapshot {
  switch (type) {
    case "studio.scene_created":
    case "studio.scene_updated": {
      // One scene; or, as an older api sent a reorder (not in the catalog), `scenes`.
      const { scenes: reordered } = payload as { scenes?: unknown };
      const changed = [payload.scene, ...(Array.isArray(reordered) ? (reordered as unknown[]) : [])]
        .map(asScene)
        .filter((scene) => scene !== null);
      if (changed.length === 0) return studio;
      const ids = new Set(changed.map((scene) => scene.id));
      const scenes = sortScenes([...studio.scenes.filter((scene) => !ids.has(scene.id)), ...changed]);
      const active = scenes.find((scene) => scene.id === studio.active_scene_id);
      return { ...studio, scenes, active_layout: active ? active.layout : studio.active_layout };
    }
    case "studio.scene_deleted": {
      const sceneId = payload.scene_id;
      if (typeof sceneId !== "string") return studio;
      const scenes = studio.scenes.filter((scene) => scene.id !== sceneId);
      const wasActive = studio.active_scene_id === sceneId;
      return {
        ...studio,
        scenes,
        ...(wasActive ? { active_scene_id: null, active_layout: null } : {}),
      };
    }
    case "studio.scene_activated": {
      const sceneId = payload.scene_id;
      if (typeof sceneId !== "string") return studio;
      const layout = isLayout(payload.layout)
        ? payload.layout
        : (studio.scenes.find((scene) => scene.id === sceneId)?.layout ?? null);
      return { ...studio, active_scene_id: sceneId, active_layout: layout };
    }
    case "studio.deck_attached": {
      const { asset_id: assetId, page_count: pageCount } = payload;
      if (typeof assetId !== "string" || !isPositiveInt(pageCount)) return studio;
      const filename =
        typeof payload.filename === "string"
          ? payload.filename
          : studio.deck?.asset_id === assetId
            ? studio.deck.filename
            : "";
      return {
        ...studio,
        deck: { asset_id: assetId, filename, page_count: pageCount },
        page_no: isPositiveInt(payload.page_no) ? payload.page_no : 1,
      };
    }
    case "studio.slide_changed": {
      const pageNo = payload.page_no;
      if (!isPositiveInt(pageNo)) return studio;
      return { ...studio, page_no: pageNo };
    }
    case "studio.banner_set": {
      const text = payload.text;
      if (text !== null && typeof text !== "string") return studio;
      return { ...studio, banner: text === "" ? null : text };
    }
    case "stage.invited": {
      const userId = payload.user_id;
      if (typeof userId !== "string" || studio.stage.includes(userId)) return studio;
      return { ...studio, stage: [...studio.stage, userId] };
    }
    case "stage.left": {
      const userId = payload.user_id;
      if (typeof userId !== "string" || !studio.stage.includes(userId)) return studio;
      return { ...studio, stage: studio.stage.filter((id) => id !== userId) };
    }
    default:
      return studio;
  }
}

function nextHands(hands: RaisedHand[], { type, payload }: StudioEvent): RaisedHand[] {
  switch (type) {
    case "hand.raised": {
      const { user_id: userId, display_name: name, raised_at: raisedAt } = payload;
      if (typeof userId !== "string" || typeof name !== "string" || typeof raisedAt !== "string") return hands;
      if (hands.some((hand) => hand.user_id === userId)) return hands;
      return [...hands, { user_id: userId, display_name: name, raised_at: raisedAt }];
    }
    case "hand.lowered": {
      const userId = payload.user_id;
      if (typeof userId !== "string" || !hands.some((hand) => hand.user_id === userId)) return hands;
      return hands.filter((hand) => hand.user_id !== userId);
    }
    default:
      return hands;
  }
}

function sortScenes(scenes: Scene[]): Scene[] {
  // The api's order: position, then id.
  return scenes.sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
