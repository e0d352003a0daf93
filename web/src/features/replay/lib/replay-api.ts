/**
 * Replay calls: the manifest, transcript pages, search, the chat, the viewer's place,
 * downloads; course search; re-running the pipeline; deleting the recording.
 */
import type { ApiClient, DownloadedFile } from "../../../api/client";
import { IDEMPOTENCY_HEADER } from "../../../api/idempotency";
import type {
  CourseSearchResults,
  PipelineRun,
  Replay,
  ReplayChat,
  SearchResults,
  TranscriptPage,
} from "../../../api/types";

const replay = (sessionId: string) => `/api/v1/sessions/${encodeURIComponent(sessionId)}/replay`;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Transcript pages after the first are read this many segments at a time (the api's maximum). */
export const TRANSCRIPT_PAGE_SIZE = 500;
/** Search results asked for (the api's maximum). */
export const SEARCH_LIMIT = 50;

/** The manifest: status, media (a short-lived URL), chapters, the class on the recording's clock. 404 for non-members. */
export function getReplay(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<Replay> {
  return api.get<Replay>(replay(sessionId), withSignal(signal));
}

export function getTranscriptPage(
  api: ApiClient,
  sessionId: string,
  cursor: string | null,
  limit: number,
  signal?: AbortSignal,
): Promise<TranscriptPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor !== null) query.set("cursor", cursor);
  return api.get<TranscriptPage>(`${replay(sessionId)}/transcript?${query.toString()}`, withSignal(signal));
}

export function searchReplay(api: ApiClient, sessionId: string, text: string, signal?: AbortSignal): Promise<SearchResults> {
  const query = new URLSearchParams({ q: text, limit: String(SEARCH_LIMIT) });
  return api.get<SearchResults>(`${replay(sessionId)}/search?${query.toString()}`, withSignal(signal));
}

/** Every message of the class that was not deleted, in order, each at its moment. */
export function getReplayChat(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<ReplayChat> {
  return api.get<ReplayChat>(`${replay(sessionId)}/chat`, withSignal(signal));
}

/** Remembers where I stopped; `keepalive` when the page is going away. */
export function saveReplayPosition(
  api: ApiClient,
  sessionId: string,
  positionMs: number,
  options: { keepalive?: boolean } = {},
): Promise<void> {
  return api.put(`${replay(sessionId)}/position`, { position_ms: Math.max(0, Math.round(positionMs)) }, options);
}

/** The WebVTT captions (409 `replay-not-ready` before the transcript exists). */
export async function getCaptions(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<Blob> {
  return (await api.getBlob(`${replay(sessionId)}/captions.vtt`, withSignal(signal))).blob;
}

export type TranscriptFormat = "txt" | "vtt";

/** The transcript as a file to save: text, or captions (WebVTT). */
export function downloadTranscript(api: ApiClient, sessionId: string, format: TranscriptFormat): Promise<DownloadedFile> {
  return api.getBlob(format === "txt" ? `${replay(sessionId)}/transcript.txt` : `${replay(sessionId)}/captions.vtt?download=true`);
}

export function searchCourse(api: ApiClient, courseId: string, text: string, signal?: AbortSignal): Promise<CourseSearchResults> {
  const query = new URLSearchParams({ q: text, limit: String(SEARCH_LIMIT) });
  return api.get<CourseSearchResults>(
    `/api/v1/courses/${encodeURIComponent(courseId)}/search?${query.toString()}`,
    withSignal(signal),
  );
}

/** Hosts: a new run that redoes the failed run's unfinished steps. */
export function retryRun(api: ApiClient, runId: string, idempotencyKey: string): Promise<PipelineRun> {
  return api.post<PipelineRun>(`/internal/artifacts/runs/${encodeURIComponent(runId)}/retry`, undefined, {
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });
}

/**
 * Hosts: deletes the class's recording and everything made from it (video, transcript,
 * captions, chapters, highlights); the chat and questions stay. 409 `session-live` while
 * the class is live; 503 `storage-unavailable` (with Retry-After) when storage does not answer.
 */
export function deleteRecording(api: ApiClient, sessionId: string): Promise<void> {
  return api.delete(`/api/v1/sessions/${encodeURIComponent(sessionId)}/recording`);
}
