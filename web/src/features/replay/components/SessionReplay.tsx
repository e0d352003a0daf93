import { Link } from "react-router";
import type { Replay, Session } from "../../../api/types";
import { useReplayManifest } from "../hooks/useReplayManifest";
import { replayPath } from "../lib/replay-paths";
import { isPlayableStatus, progressLabel, replayInProgress, replayView, retryableRunId } from "../lib/replay-state";
import { RunAgainButton } from "./RunAgainButton";

interface SessionReplayProps {
  session: Session;
  /** Owners and instructors: "Run again" on a failed replay. */
  host: boolean;
  /** The title's id, so "Watch replay" names its class to screen readers. */
  describedBy: string;
}

/** Whether the list alone says enough, or the manifest must say more (progress, a reason, why nothing). */
function needsManifest(session: Session): boolean {
  const status: string = session.replay_status;
  if (isPlayableStatus(status) || status === "deleted") return false;
  if (status === "none") return session.recording_enabled;
  return true;
}

const keepAsking = (replay: Replay) => replayInProgress(replay) && !isPlayableStatus(replay.status);

/**
 * A past class's replay on the course page: "Watch replay" when there is something to
 * play; while it is made, which step ("Transcribing 3/10", asked again every few seconds);
 * when it failed, the reason (and "Run again" for hosts); or that there is no recording.
 */
export function SessionReplay({ session, host, describedBy }: SessionReplayProps) {
  const askManifest = needsManifest(session);
  const manifest = useReplayManifest(session.id, { enabled: askManifest, poll: keepAsking, retryFirstLoad: true });
  const replay = askManifest ? manifest.replay : null;
  const status: string = replay?.status ?? session.replay_status;

  if (isPlayableStatus(status)) {
    return (
      <div className="session-replay">
        <Link className="button button--primary button--small" to={replayPath(session.id)} aria-describedby={describedBy}>
          Watch replay
        </Link>
        {status === "partial" ? <span className="session-replay__note">Transcript on its way</span> : null}
      </div>
    );
  }
  if (!askManifest) {
    // A deleted replay: the list's badge says so already.
    return status === "deleted" ? null : <p className="session-replay__note">Not recorded</p>;
  }
  if (replay === null) {
    return manifest.status === "loading" ? <p className="session-replay__note">Checking the replay…</p> : null;
  }
  const view = replayView(replay);
  switch (view.kind) {
    case "processing":
      return <p className="session-replay__note">Replay: {progressLabel(replay.progress) ?? "waiting to start"}</p>;
    case "saving":
      return <p className="session-replay__note">Saving the recording…</p>;
    case "failed": {
      const runId = retryableRunId(replay);
      return (
        <div className="session-replay session-replay--failed">
          <p className="session-replay__note">Replay failed: {view.reason}</p>
          {host && runId !== null ? <RunAgainButton runId={runId} onStarted={() => void manifest.refresh()} /> : null}
        </div>
      );
    }
    case "recording-failed":
      return <p className="session-replay__note">Recording failed: {view.reason}</p>;
    case "not-recorded":
      return <p className="session-replay__note">Not recorded</p>;
    case "deleted":
      return null;
    case "unavailable":
      return <p className="session-replay__note">Replay not available</p>;
    case "playable":
      // The manifest has media although the list's status is behind: it can be watched.
      return (
        <div className="session-replay">
          <Link className="button button--primary button--small" to={replayPath(session.id)} aria-describedby={describedBy}>
            Watch replay
          </Link>
        </div>
      );
  }
}
