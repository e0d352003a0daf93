import { useCallback, useEffect, useRef, useState } from "react";
import { describeProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import type { StudioSnapshot } from "../../../api/types";
import { changeSlide } from "../lib/studio-api";

export interface SlideControl {
  /** The page the teacher sees as current: the one asked for, until the class follows. */
  page: number;
  pageCount: number;
  go(page: number): void;
  error: string | null;
}

/**
 * Moves the class's slides. The page shows at once; requests go one at a time and only
 * the latest wish is sent after the one in flight, so fast "next, next, next" lands on
 * the right page, in order, without flooding the api.
 */
export function useSlideControl(sessionId: string, studio: StudioSnapshot): SlideControl {
  const api = useApi();
  const confirmed = studio.page_no ?? 1;
  const pageCount = studio.deck?.page_count ?? 0;
  const [wanted, setWanted] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);
  const queued = useRef<number | null>(null);

  // Once the class has moved (our change or anyone's) and nothing is pending, follow it.
  useEffect(() => {
    if (!inFlight.current && queued.current === null) setWanted(null);
  }, [confirmed, studio.deck?.asset_id]);

  const send = useCallback(
    async (page: number) => {
      inFlight.current = true;
      try {
        await changeSlide(api, sessionId, page);
        setError(null);
      } catch (failure) {
        queued.current = null;
        setWanted(null);
        setError(describeProblem(toProblemError(failure).problem));
      } finally {
        inFlight.current = false;
      }
      const next = queued.current;
      queued.current = null;
      if (next !== null) void send(next);
    },
    [api, sessionId],
  );

  const go = useCallback(
    (page: number) => {
      if (page < 1 || page > pageCount) return;
      setWanted(page);
      if (inFlight.current) queued.current = page;
      else void send(page);
    },
    [pageCount, send],
  );

  return { page: wanted ?? confirmed, pageCount, go, error };
}
