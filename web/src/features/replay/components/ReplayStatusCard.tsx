import { useEffect, useRef } from "react";
import { Link } from "react-router";
import type { Replay } from "../../../api/types";
import { type ReplayView, retryableRunId } from "../lib/replay-state";
import { ReplayProgressView } from "./ReplayProgressView";
import { RunAgainButton } from "./RunAgainButton";

interface ReplayStatusCardProps {
  replay: Replay;
  view: Exclude<ReplayView, { kind: "playable" }>;
  /** Owners and instructors may run a failed pipeline again. */
  host: boolean;
  coursePath: string | null;
  /** Asks for the manifest again (after "Run again"). */
  onChanged(): void;
  /** Take focus when shown (the host just deleted the recording: the button they used is gone). */
  focusOnShow?: boolean;
}

/** A replay with nothing to play: being made, failed, never recorded. It updates by itself while being made. */
export function ReplayStatusCard({ replay, view, host, coursePath, onChanged, focusOnShow = false }: ReplayStatusCardProps) {
  const runId = retryableRunId(replay);
  const cardRef = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (focusOnShow) cardRef.current?.focus();
  }, [focusOnShow]);
  return (
    <section
      ref={cardRef}
      className="card replay-status"
      aria-labelledby="replay-status-title"
      tabIndex={focusOnShow ? -1 : undefined}
    >
      {view.kind === "processing" ? (
        <>
          <h2 id="replay-status-title">The replay is being made</h2>
          <ReplayProgressView progress={replay.progress} />
          <p className="muted small">This page updates by itself: the recording plays as soon as it is ready.</p>
        </>
      ) : null}
      {view.kind === "saving" ? (
        <>
          <h2 id="replay-status-title">The recording is being saved</h2>
          <p>The replay is made as soon as the recording is stored. This page updates by itself.</p>
        </>
      ) : null}
      {view.kind === "failed" ? (
        <>
          <h2 id="replay-status-title">The replay couldn&apos;t be made</h2>
          <p className="replay-status__reason">{view.reason}</p>
          {host && runId !== null ? (
            <RunAgainButton runId={runId} onStarted={onChanged} />
          ) : (
            <p className="muted small">{host ? "There is no run to start again." : "Your teacher can make it again."}</p>
          )}
        </>
      ) : null}
      {view.kind === "recording-failed" ? (
        <>
          <h2 id="replay-status-title">The recording failed</h2>
          <p className="replay-status__reason">{view.reason}</p>
          <p className="muted small">Without a recording there is no replay of this class.</p>
        </>
      ) : null}
      {view.kind === "not-recorded" ? (
        <>
          <h2 id="replay-status-title">This class wasn&apos;t recorded</h2>
          <p>There is no replay to watch.</p>
        </>
      ) : null}
      {view.kind === "deleted" ? (
        <>
          <h2 id="replay-status-title">This recording was deleted</h2>
          <p>The teacher deleted this recording, with its transcript, captions and chapters.</p>
        </>
      ) : null}
      {view.kind === "unavailable" ? (
        <>
          <h2 id="replay-status-title">This replay isn&apos;t available</h2>
          <p>It may have been removed, or it can&apos;t be played right now.</p>
        </>
      ) : null}
      {coursePath ? (
        <Link className="button" to={coursePath}>
          Back to the course
        </Link>
      ) : null}
    </section>
  );
}
