/** The studio's calls: scenes, the deck and its page, the banner, and the course's decks. */
import type { ApiClient } from "../../../api/client";
import type { Asset, AssetList, Scene, SceneCreate, StudioSnapshot } from "../../../api/types";

const session = (sessionId: string) => `/api/v1/sessions/${encodeURIComponent(sessionId)}`;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

export const assetsPath = (courseId: string) => `/api/v1/courses/${encodeURIComponent(courseId)}/assets`;

/** The course's uploads, newest first. */
export async function listCourseAssets(api: ApiClient, courseId: string, signal?: AbortSignal): Promise<Asset[]> {
  const list = await api.get<AssetList>(assetsPath(courseId), withSignal(signal));
  return list.items;
}

export function createScene(api: ApiClient, sessionId: string, scene: SceneCreate): Promise<Scene> {
  return api.post<Scene>(`${session(sessionId)}/scenes`, scene);
}

/** A `SceneUpdate`: only the fields given change; `position` (0-based) moves the scene and shifts the others. */
export type SceneChanges = Partial<Pick<Scene, "name" | "layout" | "position">>;

const scenePath = (sessionId: string, sceneId: string) =>
  `${session(sessionId)}/scenes/${encodeURIComponent(sceneId)}`;

/** Renames or moves a scene (the host's); the feed brings the change to every screen. */
export function updateScene(api: ApiClient, sessionId: string, sceneId: string, changes: SceneChanges): Promise<Scene> {
  return api.patch<Scene>(scenePath(sessionId, sceneId), changes);
}

/** Deletes a scene (the host's); if it was on air, no scene is until another is chosen. */
export function deleteScene(api: ApiClient, sessionId: string, sceneId: string): Promise<void> {
  return api.delete(scenePath(sessionId, sceneId));
}

/** Puts a scene on the class's screens. */
export function activateScene(api: ApiClient, sessionId: string, sceneId: string): Promise<StudioSnapshot> {
  return api.post<StudioSnapshot>(`${session(sessionId)}/studio/activate-scene`, { scene_id: sceneId });
}

/** Makes a ready deck the class's slides, at page 1. */
export function attachDeck(api: ApiClient, sessionId: string, assetId: string): Promise<StudioSnapshot> {
  return api.post<StudioSnapshot>(`${session(sessionId)}/studio/deck`, { asset_id: assetId });
}

export function changeSlide(api: ApiClient, sessionId: string, pageNo: number): Promise<StudioSnapshot> {
  return api.post<StudioSnapshot>(`${session(sessionId)}/studio/slide`, { page_no: pageNo });
}

/** Shows a banner to everyone; null (or blank) takes it down. */
export function setBanner(api: ApiClient, sessionId: string, text: string | null): Promise<StudioSnapshot> {
  return api.post<StudioSnapshot>(`${session(sessionId)}/studio/banner`, { text });
}
