import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { SlidePage } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { getAsset } from "../../stage/lib/stage-api";

/** Signed page URLs expire: a failing image asks for fresh ones at most this often. */
const REFRESH_AT_MOST_EVERY_MS = 5_000;

export interface ReplayDecks {
  /** The pages of each deck, by asset id and page number; missing until loaded. */
  page(assetId: string | null, pageNo: number | null): SlidePage | null;
  /** How many pages a deck has; null until loaded. */
  pageCount(assetId: string): number | null;
  /** Fetches the decks' pages again (an image failed: its URL expired). */
  refresh(): void;
}

/** The pages of the decks a replay showed (a class has one or a few): chapter thumbnails, page counts. */
export function useReplayDecks(assetIds: readonly string[]): ReplayDecks {
  const api = useApi();
  const [decks, setDecks] = useState<ReadonlyMap<string, ReadonlyMap<number, SlidePage>>>(new Map());
  const [attempt, setAttempt] = useState(0);
  const lastRefresh = useRef(0);
  const key = [...new Set(assetIds)].sort().join(",");

  useEffect(() => {
    if (key === "") return;
    const controller = new AbortController();
    for (const assetId of key.split(",")) {
      getAsset(api, assetId, controller.signal).then(
        (asset) => {
          if (controller.signal.aborted) return;
          const pages = new Map(asset.pages.map((page) => [page.page_no, page]));
          setDecks((current) => new Map(current).set(assetId, pages));
        },
        () => undefined, // A chapter without a picture still has its title and time.
      );
    }
    return () => controller.abort();
  }, [api, key, attempt]);

  const page = useCallback(
    (assetId: string | null, pageNo: number | null) =>
      assetId === null || pageNo === null ? null : (decks.get(assetId)?.get(pageNo) ?? null),
    [decks],
  );
  const pageCount = useCallback((assetId: string) => decks.get(assetId)?.size ?? null, [decks]);
  const refresh = useCallback(() => {
    const now = Date.now();
    if (now - lastRefresh.current < REFRESH_AT_MOST_EVERY_MS) return;
    lastRefresh.current = now;
    setAttempt((n) => n + 1);
  }, []);
  return useMemo(() => ({ page, pageCount, refresh }), [page, pageCount, refresh]);
}
