/**
 * Replay calls: the manifest, transcript pages, search, the chat, the viewer's place,
 * downloads; course search; re-running the pipeline; deleting the recording.
 */
import type { ApiClient, DownloadedFile } from "../../../api/client";
import { IDEMPOTENCY_HEADER } from "../../../api/idempotency";
import { inCourse, inSession } from "../../../api/params";
import type {
  CourseSearchResults,
  PipelineRun,
  Replay,
  ReplayChat,
  SearchResults,
  TranscriptPage,
} from "../../../api/types";

/** Transcript pages after the first are read this many segments at a time (the api's maximum). */
export const TRANSCRIPT_PAGE_SIZE = 500;
/** Search results asked for (the api's maximum). */
export const SEARCH_LIMIT = 50;

/** The manifest: status, media (a short-lived URL), chapters, the class on the recording's clock. 404 for non-members. */
export function getReplay(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<Replay> {
  return api.GET("/api/v1/sessions/{session_id}/replay", { params: inSession(sessionId), signal });
}

export function getTranscriptPage(
  api: ApiClient,
  sessionId: string,
  cursor: string | null,
  limit: number,
  signal?: AbortSignal,
): Promise<TranscriptPage> {
  return api.GET("/api/v1/sessions/{session_id}/replay/transcript", {
    params: { ...inSession(sessionId), query: { limit, cursor } },
    signal,
  });
}

export function searchReplay(api: ApiClient, sessionId: string, text: string, signal?: AbortSignal): Promise<SearchResults> {
  return api.GET("/api/v1/sessions/{session_id}/replay/search", {
    params: { ...inSession(sessionId), query: { q: text, limit: SEARCH_LIMIT } },
    signal,
  });
}

/** Every message of the class that was not deleted, in order, each at its moment. */
export function getReplayChat(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<ReplayChat> {
  return api.GET("/api/v1/sessions/{session_id}/replay/chat", { params: inSession(sessionId), signal });
}

/** Remembers where I stopped; `keepalive` when the page is going away. */
export function saveReplayPosition(
  api: ApiClient,
  sessionId: string,
  positionMs: number,
  options: { keepalive?: boolean } = {},
): Promise<void> {
  return api.PUT("/api/v1/sessions/{session_id}/replay/position", {
    params: inSession(sessionId),
    body: { position_ms: Math.max(0, Math.round(positionMs)) },
    ...options,
  });
}

/** The WebVTT captions (409 `replay-not-ready` before the transcript exists). */
export async function getCaptions(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<Blob> {
  return (await api.getBlob("/api/v1/sessions/{session_id}/replay/captions.vtt", { params: inSession(sessionId), signal })).blob;
}

export type TranscriptFormat = "txt" | "vtt";

/** The transcript as a file to save: text, or captions (WebVTT). */
export function downloadTranscript(api: ApiClient, sessionId: string, format: TranscriptFormat): Promise<DownloadedFile> {
  return format === "txt"
    ? api.getBlob("/api/v1/sessions/{session_id}/replay/transcript.txt", { params: inSession(sessionId) })
    : api.getBlob("/api/v1/sessions/{session_id}/replay/captions.vtt", {
        params: { ...inSession(sessionId), query: { download: true } },
      });
}

export function searchCourse(api: ApiClient, courseId: string, text: string, signal?: AbortSignal): Promise<CourseSearchResults> {
  return api.GET("/api/v1/courses/{course_id}/search", {
    params: { ...inCourse(courseId), query: { q: text, limit: SEARCH_LIMIT } },
    signal,
  });
}

/** Hosts: a new run that redoes the failed run's unfinished steps. */
export function retryRun(api: ApiClient, runId: string, idempotencyKey: string): Promise<PipelineRun> {
  return api.POST("/internal/artifacts/runs/{run_id}/retry", {
    params: { path: { run_id: runId } },
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });
}

/**
 * Hosts: deletes the class's recording and everything made from it (video, transcript,
 * captions, chapters, highlights); the chat and questions stay. 409 `session-live` while
 * the class is live; 503 `storage-unavailable` (with Retry-After) when storage does not answer.
 */
export function deleteRecording(api: ApiClient, sessionId: string): Promise<void> {
  return api.DELETE("/api/v1/sessions/{session_id}/recording", { params: inSession(sessionId) });
}
