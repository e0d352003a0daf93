import { Link } from "react-router";
import type { Replay } from "../../../api/types";
import { useReplayManifest } from "../hooks/useReplayManifest";
import { replayPath } from "../lib/replay-paths";
import { type ReplayView, isPlayableStatus, progressLabel, replayInProgress, replayView } from "../lib/replay-state";

const keepAsking = (replay: Replay) => replayInProgress(replay) && !isPlayableStatus(replay.status);

const SENTENCES: Record<ReplayView["kind"], string> = {
  playable: "The replay is ready to watch.",
  processing: "The replay is being made. A link appears here when it can be watched.",
  saving: "The recording is being saved. A link to the replay appears here when it can be watched.",
  failed: "The replay couldn't be made. Your teacher can make it again.",
  "recording-failed": "The recording of this class failed, so there is no replay.",
  "not-recorded": "This class wasn't recorded.",
  deleted: "The recording of this class was deleted.",
  unavailable: "The replay isn't available.",
};

/**
 * In a classroom whose class has just ended: what the replay is doing, turning into a
 * "Watch the replay" link the moment it can be played — without a reload (the live feed
 * has stopped, so the manifest is asked for every few seconds until it settles).
 */
export function ReplayWhenReady({ sessionId }: { sessionId: string }) {
  const manifest = useReplayManifest(sessionId, { poll: keepAsking, retryFirstLoad: true });
  const replay = manifest.replay;
  const view = replay ? replayView(replay) : null;
  return (
    <div className="replay-when-ready">
      {/* Announced when the state changes, not at every step of the progress. */}
      <p role="status">{view ? SENTENCES[view.kind] : manifest.status === "loading" ? "Checking for the replay…" : ""}</p>
      {view?.kind === "processing" && replay ? (
        <p className="muted small">{progressLabel(replay.progress) ?? "Waiting to start"}</p>
      ) : null}
      {view?.kind === "playable" ? (
        <p>
          <Link className="button button--primary" to={replayPath(sessionId)}>
            Watch the replay
          </Link>
        </p>
      ) : null}
    </div>
  );
}
