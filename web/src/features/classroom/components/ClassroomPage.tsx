import { ArrowLeft } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { ErrorState } from "../../../shared/components/ErrorState";
import { LoadingState } from "../../../shared/components/LoadingState";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { formatDateTime } from "../../../shared/lib/format-date";
import { ClassOver } from "../../sessions/components/ClassOver";
import { SendScoresCard } from "../../lms/components/SendScoresCard";
import { ClassStatusAnnouncer } from "../../sessions/components/ClassStatusAnnouncer";
import { ConnectionNotice } from "../../sessions/components/ConnectionNotice";
import { EndingBanner } from "../../sessions/components/EndingBanner";
import { MediaBanner } from "../../sessions/components/MediaBanner";
import { MissingSession } from "../../sessions/components/MissingSession";
import { SessionStatusBadge } from "../../sessions/components/SessionStatusBadge";
import { type LiveSession, useLiveSession } from "../../sessions/hooks/useLiveSession";
import { mediaCredentialsKey } from "../../sessions/lib/health";
import { isMissingSession } from "../../sessions/lib/sessions-api";
import { interactionsOf } from "../../../events/interactions";
import { InteractionsColumn } from "../../interactions/components/InteractionsColumn";
import { ReactionsBar } from "../../interactions/components/ReactionsBar";
import { EMPTY_STUDIO } from "../../../events/studio-reducer";
import { RaiseHandButton } from "../../stage/components/RaiseHandButton";
import { ReplayWhenReady } from "../../replay/components/ReplayWhenReady";
import { useTeacherMedia } from "../hooks/useTeacherMedia";
import { RecordedNotice } from "./RecordedNotice";
import { TeacherVideo } from "./TeacherVideo";

const REJOIN_RETRY_MS = 3_000;

/** `/sessions/:sessionId`: where students follow the class. */
export function ClassroomPage() {
  const { sessionId = "" } = useParams();
  const live = useLiveSession(sessionId, "join");
  useDocumentTitle(live.state ? live.state.session.title : "Classroom");

  return (
    <div className="page classroom-page">
      {live.status === "loading" ? <LoadingState label="Joining the class…" /> : null}
      {live.status === "error" && live.error && isMissingSession(live.error) ? <MissingSession /> : null}
      {live.status === "error" && live.error && !isMissingSession(live.error) ? (
        <ErrorState title="Couldn't join the class" problem={live.error} onRetry={live.reload} />
      ) : null}
      {live.status === "ready" ? <Classroom live={live} /> : null}
    </div>
  );
}

function Classroom({ live }: { live: LiveSession }) {
  const { state, join, rejoin } = live;
  const status = state?.session.status ?? "scheduled";
  const teacher = useTeacherMedia(join, status === "live");

  // Credentials come with /join only while the class is live and media is up: ask again
  // when the class starts (or media comes back), once per such change — and again a few
  // seconds after a failed ask.
  const [askedFor, setAskedFor] = useState<string | null>(null);
  const needed = state ? mediaCredentialsKey(state, Boolean(join?.token)) : null;
  useEffect(() => {
    if (needed === null || askedFor === needed) return;
    setAskedFor(needed);
    rejoin().catch(() => {
      window.setTimeout(() => setAskedFor(null), REJOIN_RETRY_MS);
    });
  }, [needed, askedFor, rejoin]);

  if (state === null) return null;
  const session = state.session;
  const coursePath = `/courses/${encodeURIComponent(session.course_id)}`;

  return (
    <article className="classroom">
      <ClassStatusAnnouncer status={session.status} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={coursePath}><Icon glyph={ArrowLeft} /> Back to the course</Link>
      </nav>
      <header className="classroom__header">
        <h1>{session.title}</h1>
        <p className="classroom__meta">
          <SessionStatusBadge status={session.status} />
          {join?.role === "host" && (status === "scheduled" || status === "live") ? (
            <Link to={`/sessions/${encodeURIComponent(session.id)}/studio`}>Open the studio</Link>
          ) : null}
        </p>
      </header>

      {status === "scheduled" || status === "live" ? <ConnectionNotice feed={live.feed} /> : null}
      {status === "scheduled" || status === "live" ? <RecordedNotice state={state} /> : null}
      {status === "live" ? <EndingBanner session={session} audience="student" /> : null}

      {status === "scheduled" || status === "live" ? (
        <div className="live-layout">
          <div className="live-layout__main">
            {status === "scheduled" ? (
              <section className="card classroom__waiting" aria-labelledby="classroom-waiting-title">
                <h2 id="classroom-waiting-title">
                  Waiting for the class to start
                </h2>
                <p>
                  Scheduled for {formatDateTime(session.scheduled_start)}. Keep this page open: the class appears here the
                  moment your teacher goes live.
                </p>
              </section>
            ) : null}

            {status === "live" ? (
              <>
                <MediaBanner mediaStatus={state.media_status} audience="student" />
                <TeacherVideo
                  media={join?.token ? teacher.media : null}
                  videoOff={state.media_status === "degraded" || state.media_status === "disabled"}
                  studio={state.studio ?? EMPTY_STUDIO}
                  userId={join?.identity ?? null}
                  onStartAudio={teacher.startAudio}
                  onStartVideo={teacher.startVideo}
                  onReconnect={() => void rejoin().catch(() => undefined)}
                />
                {join?.role === "participant" && !(state.studio?.stage ?? []).includes(join.identity) ? (
                  <RaiseHandButton sessionId={session.id} userId={join.identity} hands={state.hands} />
                ) : null}
              </>
            ) : null}
            {status === "live" ? <ReactionsBar sessionId={session.id} burst={interactionsOf(state).reactions} /> : null}
          </div>
          {/* The right-hand column (under the stage on phones): each panel is one element here. */}
          <aside className="side-column" aria-label="Class panels">
            <InteractionsColumn sessionId={session.id} state={state} staff={join?.role === "host" || join?.role === "moderator"} feed={live.feed} />
          </aside>
        </div>
      ) : null}

      {status === "ended" || status === "canceled" ? (
        <ClassOver place="classroom" status={status} endedDetail={live.endedDetail} backTo={coursePath} backLabel="Back to the course">
          <p>Thanks for joining.</p>
          <ReplayWhenReady sessionId={session.id} />
          {join?.role === "host" || join?.role === "moderator" ? <SendScoresCard sessionId={session.id} /> : null}
        </ClassOver>
      ) : null}
    </article>
  );
}
