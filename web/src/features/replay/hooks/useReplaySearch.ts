import { useCallback, useEffect, useRef, useState } from "react";
import { type ProblemError, toProblemError } from "../../../api/problem";
import type { SearchHit } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { searchReplay } from "../lib/replay-api";
import { hitOnEnter, hitsInTimeOrder, stepHit } from "../lib/search-hits";

/** Typing searches by itself after this pause, once there are this many characters. */
export const SEARCH_DEBOUNCE_MS = 300;
export const SEARCH_MIN_CHARS = 2;

export interface ReplaySearch {
  text: string;
  setText(text: string): void;
  /** The query the hits are for (null: no search shown). */
  query: string | null;
  /** In the order they happen. */
  hits: readonly SearchHit[];
  /** The hit last jumped to. */
  current: number | null;
  searching: boolean;
  error: ProblemError | null;
  /** Enter: search now if the text changed, then go to the first hit; again, the next. */
  enter(): void;
  next(): void;
  previous(): void;
  /** Goes to a hit of the list. */
  choose(index: number): void;
  /** Searches for `text` now (a keyword) and goes to its first hit. */
  searchFor(text: string): void;
  clear(): void;
}

/**
 * Searching inside one class (transcript, slides, questions, chat) and walking the hits;
 * `onJump` seeks to a hit. `initialQuery` (`?q=`) is searched at once, without jumping.
 */
export function useReplaySearch(sessionId: string, initialQuery: string, onJump: (hit: SearchHit) => void): ReplaySearch {
  const api = useApi();
  const [text, setTextState] = useState(initialQuery);
  const [results, setResults] = useState<{ query: string; hits: readonly SearchHit[] } | null>(null);
  const [current, setCurrent] = useState<number | null>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<ProblemError | null>(null);
  const running = useRef<{ query: string; controller: AbortController; jump: boolean } | null>(null);
  const jump = useRef(onJump);
  jump.current = onJump;

  const run = useCallback(
    (query: string, jumpToFirst: boolean) => {
      if (running.current?.query === query) {
        running.current.jump ||= jumpToFirst;
        return;
      }
      running.current?.controller.abort();
      const controller = new AbortController();
      const search = { query, controller, jump: jumpToFirst };
      running.current = search;
      setSearching(true);
      setError(null);
      searchReplay(api, sessionId, query, controller.signal).then(
        (found) => {
          if (controller.signal.aborted) return;
          running.current = null;
          const hits = hitsInTimeOrder(found.items);
          setResults({ query, hits });
          setSearching(false);
          const first = search.jump ? hitOnEnter(hits.length, null, false) : null;
          setCurrent(first);
          if (first !== null) jump.current(hits[first] as SearchHit);
        },
        (failure: unknown) => {
          if (controller.signal.aborted) return;
          running.current = null;
          setSearching(false);
          setError(toProblemError(failure));
        },
      );
    },
    [api, sessionId],
  );

  useEffect(() => () => running.current?.controller.abort(), []);

  // `?q=`: the page opens with its search run.
  useEffect(() => {
    const query = initialQuery.trim();
    if (query !== "") run(query, false);
  }, [initialQuery, run]);

  // Typing searches by itself after a pause.
  const trimmed = text.trim();
  useEffect(() => {
    if (trimmed.length < SEARCH_MIN_CHARS || trimmed === results?.query) return;
    const timer = window.setTimeout(() => run(trimmed, false), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [trimmed, results?.query, run]);

  const go = useCallback(
    (index: number | null) => {
      if (results === null || index === null) return;
      setCurrent(index);
      const hit = results.hits[index];
      if (hit) jump.current(hit);
    },
    [results],
  );

  const enter = useCallback(() => {
    if (trimmed === "") return;
    if (results?.query === trimmed && running.current === null) {
      go(hitOnEnter(results.hits.length, current, true));
    } else {
      run(trimmed, true);
    }
  }, [trimmed, results, current, go, run]);

  const setText = useCallback((next: string) => {
    setTextState(next);
    if (next.trim() === "") {
      running.current?.controller.abort();
      running.current = null;
      setSearching(false);
      setResults(null);
      setCurrent(null);
      setError(null);
    }
  }, []);

  const searchFor = useCallback(
    (next: string) => {
      setTextState(next);
      if (next.trim() !== "") run(next.trim(), true);
    },
    [run],
  );

  return {
    text,
    setText,
    searchFor,
    query: results?.query ?? null,
    hits: results?.hits ?? [],
    current,
    searching,
    error,
    enter,
    next: () => go(stepHit(results?.hits.length ?? 0, current, 1)),
    previous: () => go(stepHit(results?.hits.length ?? 0, current, -1)),
    choose: (index) => go(index),
    clear: () => setText(""),
  };
}
