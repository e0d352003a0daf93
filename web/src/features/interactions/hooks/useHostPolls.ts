import { useEffect, useRef } from "react";
import { useApi } from "../../../auth/useApi";
import { type Resource, useResource } from "../../../shared/hooks/useResource";
import type { Poll } from "../../../api/types";
import { listPolls } from "../lib/interactions-api";

/**
 * The session's polls for staff (drafts included), newest first. The list is read from
 * the api, read again when the live poll changes state (opened, closed, results shown
 * or hidden: perhaps by another moderator), and its live poll's counts come from the feed.
 */
export function useHostPolls(sessionId: string, live: Poll | null): Resource<Poll[]> {
  const api = useApi();
  const polls = useResource((signal) => listPolls(api, sessionId, signal), [api, sessionId]);
  const liveKey = live ? `${live.id}:${live.status}:${String(live.results_visible)}` : null;
  const { reload } = polls;
  const seen = useRef(liveKey);
  useEffect(() => {
    // Only when the live poll's identity or state changes, not on every tally.
    if (seen.current === liveKey) return;
    seen.current = liveKey;
    reload();
  }, [liveKey, reload]);
  return polls;
}

/** A listed poll with what the feed knows newer: its state, and the counts of the latest tally. */
export function withLive(listed: Poll, live: Poll | null): Poll {
  if (live === null || live.id !== listed.id) return listed;
  return {
    ...listed,
    status: live.status,
    results_visible: live.results_visible,
    opened_at: live.opened_at ?? listed.opened_at,
    closed_at: live.closed_at ?? listed.closed_at,
    counts: live.counts ?? listed.counts,
    total_votes: live.counts !== null ? live.total_votes : listed.total_votes,
    correct_option_ids: listed.correct_option_ids ?? live.correct_option_ids,
  };
}
