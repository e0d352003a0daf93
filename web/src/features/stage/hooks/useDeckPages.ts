import { useCallback, useEffect, useRef, useState } from "react";
import { type ProblemError, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import type { SlidePage } from "../../../api/types";
import { getAsset } from "../lib/stage-api";

/** Signed page URLs last minutes; a failing image asks for fresh ones at most this often. */
const REFRESH_AT_MOST_EVERY_MS = 5_000;

export interface DeckPages {
  pages: readonly SlidePage[] | null;
  error: ProblemError | null;
  /** Fetches the pages again, e.g. when an image fails because its URL expired. */
  refresh(): void;
}

/** The rendered pages of the deck `assetId` (null: no deck). */
export function useDeckPages(assetId: string | null): DeckPages {
  const api = useApi();
  const [loaded, setLoaded] = useState<{ assetId: string; pages: SlidePage[] } | null>(null);
  const [error, setError] = useState<ProblemError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const lastRefresh = useRef(0);

  useEffect(() => {
    if (assetId === null) return;
    const controller = new AbortController();
    getAsset(api, assetId, controller.signal).then(
      (asset) => {
        if (controller.signal.aborted) return;
        setLoaded({ assetId, pages: [...asset.pages].sort((a, b) => a.page_no - b.page_no) });
        setError(null);
      },
      (failure: unknown) => {
        if (!controller.signal.aborted) setError(toProblemError(failure));
      },
    );
    return () => controller.abort();
  }, [api, assetId, attempt]);

  const refresh = useCallback(() => {
    const now = Date.now();
    if (now - lastRefresh.current < REFRESH_AT_MOST_EVERY_MS) return;
    lastRefresh.current = now;
    setAttempt((current) => current + 1);
  }, []);

  const pages = assetId !== null && loaded?.assetId === assetId ? loaded.pages : null;
  return { pages, error: assetId === null ? null : error, refresh };
}
