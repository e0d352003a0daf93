import { ArrowLeft } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { useState } from "react";
import { Link } from "react-router";
import { type ProblemError, toProblemError } from "../../../api/problem";
import type { Course } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { ErrorState } from "../../../shared/components/ErrorState";
import { formatDateTime, formatTime } from "../../../shared/lib/format-date";
import { isHost } from "../../courses/lib/permissions";
import { ClassOver } from "../../sessions/components/ClassOver";
import { SendScoresCard } from "../../lms/components/SendScoresCard";
import { ClassStatusAnnouncer } from "../../sessions/components/ClassStatusAnnouncer";
import { ConnectionNotice } from "../../sessions/components/ConnectionNotice";
import { EndingBanner } from "../../sessions/components/EndingBanner";
import { MediaBanner } from "../../sessions/components/MediaBanner";
import { SessionStatusBadge } from "../../sessions/components/SessionStatusBadge";
import type { LiveSession } from "../../sessions/hooks/useLiveSession";
import { EXTEND_MINUTES } from "../../sessions/lib/ending";
import { recordingIndicator } from "../../sessions/lib/recording";
import { endSession, startSession } from "../../sessions/lib/sessions-api";
import { InteractionsColumn } from "../../interactions/components/InteractionsColumn";
import { EMPTY_STUDIO } from "../../../events/studio-reducer";
import { useBroadcast } from "../hooks/useBroadcast";
import { useDeviceCheck } from "../hooks/useDeviceCheck";
import { participantsKey, useParticipants } from "../hooks/useParticipants";
import { DeviceCheckPanel } from "./DeviceCheckPanel";
import { EndClassButton } from "./EndClassButton";
import { ExtendClassButton } from "./ExtendClassButton";
import { HealthStrip } from "./HealthStrip";
import { ParticipantsPanel } from "./ParticipantsPanel";
import { RecordingAlert } from "./RecordingAlert";
import { StudioDesk } from "./StudioDesk";

interface StudioProps {
  live: LiveSession;
  course: Course;
}

export function Studio({ live, course }: StudioProps) {
  const api = useApi();
  const state = live.state;
  const status = state?.session.status ?? "scheduled";
  const running = status === "scheduled" || status === "live";
  const devices = useDeviceCheck(running);
  // Broadcasting is something the host asks for (Go live, Resume), never a side effect of loading.
  const [broadcasting, setBroadcasting] = useState(false);
  const broadcast = useBroadcast(live.join, devices.stream, broadcasting && status === "live");
  const people = useParticipants(state?.session.id ?? "", participantsKey(state), status === "live");
  const [busy, setBusy] = useState<"start" | "resume" | "end" | null>(null);
  const [problem, setProblem] = useState<{ title: string; error: ProblemError } | null>(null);
  // The "ends by itself" warning the host answered with Extend (its `ending_at`): the api
  // takes the warning back on its next check.
  // Compared as instants: the event and the api's answers may spell the same time differently.
  const [extended, setExtended] = useState<{ warning: number; until: string } | null>(null);

  if (state === null) return null;
  const session = state.session;
  const recording = recordingIndicator(state);
  const mediaLost = broadcast?.connection === "failed" || broadcast?.connection === "disconnected";
  const mediaBack = live.join?.token === null && state.media_status === "ok";
  const needsMedia = status === "live" && busy !== "start" && (!broadcasting || mediaLost || mediaBack);
  const coursePath = `/courses/${encodeURIComponent(course.id)}`;
  const studio = state.studio ?? EMPTY_STUDIO;
  async function goLive() {
    setBusy("start");
    setProblem(null);
    try {
      live.acceptSession(await startSession(api, session.id));
    } catch (error) {
      setProblem({ title: "Couldn't go live", error: toProblemError(error) });
      setBusy(null);
      return;
    }
    await connectMedia();
  }

  async function connectMedia() {
    setBusy((current) => current ?? "resume");
    try {
      // The class is live: /join now hands out the host's media token (null when the
      // media server is down or off, and the class carries on without video).
      await live.rejoin();
      setBroadcasting(true);
    } catch (error) {
      setProblem({ title: "Couldn't connect your camera to the class", error: toProblemError(error) });
    } finally {
      setBusy(null);
    }
  }

  async function endClass(): Promise<boolean> {
    setBusy("end");
    setProblem(null);
    try {
      live.acceptSession(await endSession(api, session.id));
      setBroadcasting(false);
      return true;
    } catch (error) {
      setProblem({ title: "Couldn't end the class", error: toProblemError(error) });
      return false;
    } finally {
      setBusy(null);
    }
  }

  return (
    <article className={`studio studio--${status}`}>
      <ClassStatusAnnouncer status={session.status} />
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={coursePath}><Icon glyph={ArrowLeft} /> {course.title}</Link>
      </nav>
      <header className="studio__header">
        <div>
          <p className="eyebrow">Studio</p>
          <h1>{session.title}</h1>
          <p className="muted">
            <SessionStatusBadge status={session.status} />{" "}
            {session.status === "live" && session.started_at
              ? `Live since ${formatDateTime(session.started_at)}`
              : session.status === "ended" && session.ended_at
                ? `Ended ${formatDateTime(session.ended_at)}`
                : `Scheduled for ${formatDateTime(session.scheduled_start)}`}
          </p>
        </div>
        {status === "live" ? (
          <div className="studio__header-live">
            <HealthStrip state={state} feed={live.feed} connection={broadcast?.connection ?? null} />
            <EndClassButton busy={busy === "end"} onConfirm={endClass} />
          </div>
        ) : null}
      </header>

      {status === "live" ? <RecordingAlert state={state} /> : null}
      {status === "live" ? (
        <EndingBanner
          session={session}
          audience="host"
          answered={
            extended !== null && session.ending_at && extended.warning === Date.parse(session.ending_at) ? (
              <p>
                Extended by {EXTEND_MINUTES} minutes: the class is now scheduled to end at {formatTime(extended.until)}.
              </p>
            ) : null
          }
          action={
            session.ending_reason === "overtime" ? (
              <ExtendClassButton
                session={session}
                onExtended={(changed) => {
                  setExtended({ warning: Date.parse(session.ending_at ?? ""), until: changed.scheduled_end });
                  live.acceptSession(changed);
                }}
              />
            ) : null
          }
        />
      ) : null}
      {running ? <ConnectionNotice feed={live.feed} /> : null}
      {status === "live" ? <MediaBanner mediaStatus={state.media_status} audience="host" /> : null}
      {problem ? <ErrorState title={problem.title} problem={problem.error} /> : null}

      {running ? (
        // One screen on a laptop (CSS): the program in the middle, the host's camera and the
        // scenes, slides and banner on the left, the class's panels on the right. The tree is
        // the same before and after Go live (moving a panel would reset it); CSS orders it.
        <div className={`studio-grid studio-grid--${status}`}>
          <StudioDesk
            sessionId={session.id}
            courseId={course.id}
            studio={studio}
            hands={state.hands}
            participants={people.participants}
            cameraStream={devices.stream}
            broadcast={broadcast}
            canEditScenes={isHost(course.my_role)}
            live={status === "live"}
            setup={
              <section className="card studio__stage" aria-labelledby="studio-preview-title">
                <h2 id="studio-preview-title">{status === "live" ? "Your camera" : "Check your camera and microphone"}</h2>
                <DeviceCheckPanel devices={devices} />
                {broadcast?.error ? <p className="field__error">{broadcast.error}</p> : null}
                <div className="actions">
                  {status === "scheduled" ? (
                    <button
                      type="button"
                      className="button button--primary button--large"
                      onClick={goLive}
                      disabled={busy !== null || devices.status === "starting"}
                      aria-busy={busy === "start"}
                    >
                      {busy === "start" ? "Going live…" : "Go live"}
                    </button>
                  ) : null}
                  {needsMedia ? (
                    <button
                      type="button"
                      className="button button--primary"
                      onClick={() => {
                        setBroadcasting(false);
                        void connectMedia();
                      }}
                      disabled={busy !== null || devices.status === "starting"}
                    >
                      {busy === "resume" ? "Connecting…" : broadcasting ? "Reconnect camera" : "Resume broadcast"}
                    </button>
                  ) : null}
                </div>
                {status === "scheduled" ? (
                  <p className="muted small">
                    Students see the class start the moment you go live. You can go live without a camera.{" "}
                    {recording.kind === "planned"
                      ? "This class will be recorded: students are told so."
                      : "This class won't be recorded."}
                  </p>
                ) : null}
              </section>
            }
          />
          {/* The right-hand column: each panel is one element here (participants, chat, Q&A, polls). */}
          <aside className="side-column" aria-label="Class panels">
            <InteractionsColumn sessionId={session.id} state={state} staff feed={live.feed} showReactions />
            {status === "live" ? (
              <ParticipantsPanel
                sessionId={session.id}
                hands={state.hands}
                stage={studio.stage}
                participantCount={state.participant_count}
                people={people}
              />
            ) : null}
          </aside>
        </div>
      ) : null}

      {status === "ended" || status === "canceled" ? (
        <ClassOver place="studio" status={status} endedDetail={live.endedDetail} backTo={coursePath} backLabel={`Back to ${course.title}`}>
          <p>
            Students have been told.{" "}
            {session.recording_enabled
              ? "The replay will appear on the course page when it's ready."
              : "This class wasn't recorded, so there is no replay."}
          </p>
          <SendScoresCard sessionId={session.id} />
        </ClassOver>
      ) : null}
    </article>
  );
}
