import { ArrowLeft } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { NotFoundPage } from "../../../app/NotFoundPage";
import { ErrorState } from "../../../shared/components/ErrorState";
import { LoadingState } from "../../../shared/components/LoadingState";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { formatDateTime } from "../../../shared/lib/format-date";
import { isHost } from "../../courses/lib/permissions";
import { isMissingSession } from "../../sessions/lib/sessions-api";
import { useReplayManifest } from "../hooks/useReplayManifest";
import { useReplayViewer } from "../hooks/useReplayViewer";
import { formatMediaTime } from "../lib/format-media-time";
import { parseStartParam } from "../lib/playback";
import { canDeleteRecording, replayInProgress, replayView } from "../lib/replay-state";
import { DeleteRecordingButton } from "./DeleteRecordingButton";
import { ReplayStatusCard } from "./ReplayStatusCard";
import { ReplayView } from "./ReplayView";

/**
 * `/sessions/:sessionId/replay?t=<seconds>&q=<text>`: a class's replay, for revising —
 * or, while it is being made, how far along it is (the page updates itself).
 */
export function ReplayPage() {
  const { sessionId = "" } = useParams();
  const [params] = useSearchParams();
  const linkSeconds = parseStartParam(params.get("t"));
  const initialQuery = params.get("q") ?? "";
  const manifest = useReplayManifest(sessionId, { poll: replayInProgress });
  const { session, role } = useReplayViewer(sessionId);
  // Deleted from this page: shown at once, whatever the manifest still says until it is asked again.
  const [deletedHere, setDeletedHere] = useState<string | null>(null);
  const title = session?.title ?? "Replay";
  useDocumentTitle(session ? `Replay: ${session.title}` : "Replay");

  if (manifest.status === "error" && manifest.error && isMissingSession(manifest.error)) return <NotFoundPage />;

  const coursePath = session ? `/courses/${encodeURIComponent(session.course_id)}` : null;
  const replay = manifest.replay;
  const view = replay ? (deletedHere === sessionId ? ({ kind: "deleted" } as const) : replayView(replay)) : null;
  const host = isHost(role);
  const deletable = host && replay !== null && deletedHere !== sessionId && canDeleteRecording(replay, session?.status ?? null);
  return (
    <div className="page replay-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        {coursePath ? <Link to={coursePath}><Icon glyph={ArrowLeft} /> Back to the course</Link> : <Link to="/courses"><Icon glyph={ArrowLeft} /> Your courses</Link>}
      </nav>
      <header className="replay-header">
        <h1>{title}</h1>
        <p className="replay-header__meta">
          <span className="badge badge--muted">Replay</span>
          {session?.started_at ? <span>{formatDateTime(session.started_at)}</span> : null}
          {replay?.duration_ms && view?.kind !== "deleted" ? <span>{formatMediaTime(replay.duration_ms)}</span> : null}
        </p>
        {deletable ? (
          <DeleteRecordingButton
            key={sessionId}
            sessionId={sessionId}
            onDeleted={() => {
              setDeletedHere(sessionId);
              void manifest.refresh();
            }}
          />
        ) : null}
      </header>

      {manifest.status === "loading" ? <LoadingState label="Loading the replay…" /> : null}
      {manifest.status === "error" && manifest.error ? (
        <ErrorState title="Couldn't load the replay" problem={manifest.error} onRetry={manifest.reload} />
      ) : null}
      {replay !== null && view !== null && view.kind === "playable" ? (
        <ReplayView
          key={sessionId}
          sessionId={sessionId}
          replay={replay}
          requestedAt={manifest.requestedAt}
          refresh={manifest.refresh}
          title={title}
          linkSeconds={linkSeconds}
          initialQuery={initialQuery}
        />
      ) : null}
      {replay !== null && view !== null && view.kind !== "playable" ? (
        <ReplayStatusCard
          replay={replay}
          view={view}
          host={host}
          coursePath={coursePath}
          onChanged={() => void manifest.refresh()}
          focusOnShow={deletedHere === sessionId}
        />
      ) : null}
    </div>
  );
}
