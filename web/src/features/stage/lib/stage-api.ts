/** Stage and hands calls (anyone in the class), and reading a deck's pages. */
import type { ApiClient } from "../../../api/client";
import type { Asset, Participant, ParticipantList } from "../../../api/types";

const session = (sessionId: string) => `/api/v1/sessions/${encodeURIComponent(sessionId)}`;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** An uploaded file with its rendered pages (page URLs are signed and expire within minutes). */
export function getAsset(api: ApiClient, assetId: string, signal?: AbortSignal): Promise<Asset> {
  return api.get<Asset>(`/api/v1/assets/${encodeURIComponent(assetId)}`, withSignal(signal));
}

/** Raised hands first (in order), then who is on stage, then everyone else by name. */
export async function listParticipants(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<Participant[]> {
  const list = await api.get<ParticipantList>(`${session(sessionId)}/participants`, withSignal(signal));
  return list.items;
}

/** Raises my hand; raising it again changes nothing. */
export function raiseHand(api: ApiClient, sessionId: string): Promise<Participant> {
  return api.post<Participant>(`${session(sessionId)}/hands`);
}

/** Lowers a hand: my own, or (hosts) someone else's. */
export function lowerHand(api: ApiClient, sessionId: string, userId: string): Promise<void> {
  return api.delete(`${session(sessionId)}/hands/${encodeURIComponent(userId)}`);
}

/** Brings someone on stage: their camera and microphone may go out to the class. */
export function bringOnStage(api: ApiClient, sessionId: string, userId: string): Promise<Participant> {
  return api.post<Participant>(`${session(sessionId)}/stage/${encodeURIComponent(userId)}`);
}

export function removeFromStage(api: ApiClient, sessionId: string, userId: string): Promise<void> {
  return api.delete(`${session(sessionId)}/stage/${encodeURIComponent(userId)}`);
}
