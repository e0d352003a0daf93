import { useState } from "react";
import type { Course, Session } from "../../../api/types";
import { EmptyState } from "../../../shared/components/EmptyState";
import { ErrorState } from "../../../shared/components/ErrorState";
import { LoadingState } from "../../../shared/components/LoadingState";
import { isHost } from "../../courses/lib/permissions";
import { useSessions } from "../hooks/useSessions";
import { groupSessions } from "../lib/group-sessions";
import { ScheduleSessionForm } from "./ScheduleSessionForm";
import { SessionGroup } from "./SessionGroup";

/** A course's classes — live now, upcoming, past — and, for hosts, scheduling. */
export function SessionsSection({ course }: { course: Course }) {
  const sessions = useSessions(course.id);
  const host = isHost(course.my_role);
  const canSchedule = host && course.archived_at === null;
  const [scheduling, setScheduling] = useState(false);

  function replace(session: Session) {
    sessions.update((current) => [...current.filter((existing) => existing.id !== session.id), session]);
  }

  function onScheduled(session: Session) {
    replace(session);
    setScheduling(false);
  }

  const groups = sessions.status === "ready" ? groupSessions(sessions.data) : null;
  return (
    <section className="card" aria-labelledby="sessions-title">
      <div className="section-header">
        <h2 id="sessions-title">Sessions</h2>
        {canSchedule && !scheduling ? (
          <button type="button" className="button button--small" onClick={() => setScheduling(true)}>
            Schedule a class
          </button>
        ) : null}
      </div>
      {canSchedule && scheduling ? (
        <ScheduleSessionForm
          courseId={course.id}
          recordByDefault={course.record_by_default}
          onScheduled={onScheduled}
          onCancel={() => setScheduling(false)}
        />
      ) : null}
      {sessions.status === "loading" ? <LoadingState label="Loading classes…" /> : null}
      {sessions.status === "error" ? (
        <ErrorState title="Couldn't load the classes" problem={sessions.error} onRetry={sessions.reload} />
      ) : null}
      {groups !== null && sessions.status === "ready" && sessions.data.length === 0 ? (
        <EmptyState title="No classes yet">
          <p>
            {canSchedule
              ? "Schedule a class and it appears here for everyone in the course."
              : "When your teacher schedules a class, it appears here."}
          </p>
        </EmptyState>
      ) : null}
      {groups !== null ? (
        <>
          <SessionGroup title="Live now" sessions={groups.live} host={host} />
          <SessionGroup
            title="Upcoming"
            sessions={groups.upcoming}
            host={host}
            onChanged={canSchedule ? replace : undefined}
          />
          <SessionGroup title="Past" sessions={groups.past} host={host} />
        </>
      ) : null}
    </section>
  );
}
