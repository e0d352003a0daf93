import { useCallback, useEffect, useMemo, useState } from "react";
import { type ProblemError, toProblemError } from "../../../api/problem";
import type { TranscriptSegment } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { TRANSCRIPT_PAGE_SIZE, getTranscriptPage } from "../lib/replay-api";
import { type Times, timesOf } from "../lib/timeline";

/** The first page is small, so the panel shows within a moment; the rest follows in big pages. */
export const FIRST_TRANSCRIPT_PAGE = 100;

export interface Transcript {
  status: "idle" | "loading" | "ready" | "error";
  segments: readonly TranscriptSegment[];
  /** Segment start times, for finding the current one by binary search. */
  starts: Times;
  /** More pages are on their way. */
  loadingMore: boolean;
  error: ProblemError | null;
  retry(): void;
}

const NO_SEGMENTS: readonly TranscriptSegment[] = [];

/**
 * A replay's transcript: the first page at once, the others in the background, appended in
 * order. `version` says when to read it again (the replay went from partial to ready).
 */
export function useTranscript(sessionId: string, enabled: boolean, version: string): Transcript {
  const api = useApi();
  const [segments, setSegments] = useState<readonly TranscriptSegment[]>(NO_SEGMENTS);
  const [status, setStatus] = useState<Transcript["status"]>("idle");
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ProblemError | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const { signal } = controller;
    setStatus((current) => (current === "ready" ? current : "loading"));
    setError(null);
    (async () => {
      let page = await getTranscriptPage(api, sessionId, null, FIRST_TRANSCRIPT_PAGE, signal);
      if (signal.aborted) return;
      let loaded = page.items;
      setSegments(loaded);
      setStatus("ready");
      while (page.next_cursor !== null) {
        setLoadingMore(true);
        page = await getTranscriptPage(api, sessionId, page.next_cursor, TRANSCRIPT_PAGE_SIZE, signal);
        if (signal.aborted) return;
        loaded = [...loaded, ...page.items];
        setSegments(loaded);
      }
      setLoadingMore(false);
    })().catch((failure: unknown) => {
      if (signal.aborted) return;
      setLoadingMore(false);
      setError(toProblemError(failure));
      setStatus((current) => (current === "ready" ? current : "error"));
    });
    return () => controller.abort();
  }, [api, sessionId, enabled, version, attempt]);

  const starts = useMemo(() => timesOf(segments, (segment) => segment.start_ms), [segments]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return useMemo(
    () => ({ status, segments, starts, loadingMore, error, retry }),
    [status, segments, starts, loadingMore, error, retry],
  );
}
