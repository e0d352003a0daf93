/** Stage and hands calls (anyone in the class), and reading a deck's pages. */
import type { ApiClient } from "../../../api/client";
import { inSession } from "../../../api/params";
import type { Asset, Participant } from "../../../api/types";

const ofPerson = (sessionId: string, userId: string) => ({ path: { session_id: sessionId, user_id: userId } });

/** An uploaded file with its rendered pages (page URLs are signed and expire within minutes). */
export function getAsset(api: ApiClient, assetId: string, signal?: AbortSignal): Promise<Asset> {
  return api.GET("/api/v1/assets/{asset_id}", { params: { path: { asset_id: assetId } }, signal });
}

/** Raised hands first (in order), then who is on stage, then everyone else by name. */
export async function listParticipants(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<Participant[]> {
  const list = await api.GET("/api/v1/sessions/{session_id}/participants", { params: inSession(sessionId), signal });
  return list.items;
}

/** Raises my hand; raising it again changes nothing. */
export function raiseHand(api: ApiClient, sessionId: string): Promise<Participant> {
  return api.POST("/api/v1/sessions/{session_id}/hands", { params: inSession(sessionId) });
}

/** Lowers a hand: my own, or (hosts) someone else's. */
export function lowerHand(api: ApiClient, sessionId: string, userId: string): Promise<void> {
  return api.DELETE("/api/v1/sessions/{session_id}/hands/{user_id}", { params: ofPerson(sessionId, userId) });
}

/** Brings someone on stage: their camera and microphone may go out to the class. */
export function bringOnStage(api: ApiClient, sessionId: string, userId: string): Promise<Participant> {
  return api.POST("/api/v1/sessions/{session_id}/stage/{user_id}", { params: ofPerson(sessionId, userId) });
}

export function removeFromStage(api: ApiClient, sessionId: string, userId: string): Promise<void> {
  return api.DELETE("/api/v1/sessions/{session_id}/stage/{user_id}", { params: ofPerson(sessionId, userId) });
}
