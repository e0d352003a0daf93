/** The studio's calls: scenes, the deck and its page, the banner, and the course's decks. */
import { type ApiClient, apiUrl } from "../../../api/client";
import { inCourse, inSession } from "../../../api/params";
import type { Asset, Scene, SceneCreate, StudioSnapshot } from "../../../api/types";

/** Where an upload goes (`upload-asset.ts` posts it with progress, which fetch cannot report). */
export const assetsPath = (courseId: string) => apiUrl("post", "/api/v1/courses/{course_id}/assets", inCourse(courseId).path);

/** The course's uploads, newest first. */
export async function listCourseAssets(api: ApiClient, courseId: string, signal?: AbortSignal): Promise<Asset[]> {
  const list = await api.GET("/api/v1/courses/{course_id}/assets", { params: inCourse(courseId), signal });
  return list.items;
}

export function createScene(api: ApiClient, sessionId: string, scene: SceneCreate): Promise<Scene> {
  return api.POST("/api/v1/sessions/{session_id}/scenes", { params: inSession(sessionId), body: scene });
}

/** A `SceneUpdate`: only the fields given change; `position` (0-based) moves the scene and shifts the others. */
export type SceneChanges = Partial<Pick<Scene, "name" | "layout" | "position">>;

const ofScene = (sessionId: string, sceneId: string) => ({ path: { session_id: sessionId, scene_id: sceneId } });

/** Renames or moves a scene (the host's); the feed brings the change to every screen. */
export function updateScene(api: ApiClient, sessionId: string, sceneId: string, changes: SceneChanges): Promise<Scene> {
  return api.PATCH("/api/v1/sessions/{session_id}/scenes/{scene_id}", { params: ofScene(sessionId, sceneId), body: changes });
}

/** Deletes a scene (the host's); if it was on air, no scene is until another is chosen. */
export function deleteScene(api: ApiClient, sessionId: string, sceneId: string): Promise<void> {
  return api.DELETE("/api/v1/sessions/{session_id}/scenes/{scene_id}", { params: ofScene(sessionId, sceneId) });
}

/** Puts a scene on the class's screens. */
export function activateScene(api: ApiClient, sessionId: string, sceneId: string): Promise<StudioSnapshot> {
  return api.POST("/api/v1/sessions/{session_id}/studio/activate-scene", {
    params: inSession(sessionId),
    body: { scene_id: sceneId },
  });
}

/** Makes a ready deck the class's slides, at page 1. */
export function attachDeck(api: ApiClient, sessionId: string, assetId: string): Promise<StudioSnapshot> {
  return api.POST("/api/v1/sessions/{session_id}/studio/deck", { params: inSession(sessionId), body: { asset_id: assetId } });
}

export function changeSlide(api: ApiClient, sessionId: string, pageNo: number): Promise<StudioSnapshot> {
  return api.POST("/api/v1/sessions/{session_id}/studio/slide", { params: inSession(sessionId), body: { page_no: pageNo } });
}

/** Shows a banner to everyone; null (or blank) takes it down. */
export function setBanner(api: ApiClient, sessionId: string, text: string | null): Promise<StudioSnapshot> {
  return api.POST("/api/v1/sessions/{session_id}/studio/banner", { params: inSession(sessionId), body: { text } });
}
