import { useId } from "react";
import type { Session } from "../../../api/types";
import { SessionItem } from "./SessionItem";

interface SessionGroupProps {
  title: string;
  sessions: Session[];
  /** Show studio links and editing (owners and instructors). */
  host: boolean;
  /** A class was edited (hosts). */
  onChanged?: (session: Session) => void;
}

export function SessionGroup({ title, sessions, host, onChanged }: SessionGroupProps) {
  const headingId = useId();
  if (sessions.length === 0) return null;
  return (
    <section className="session-group" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {title} <span className="count">{sessions.length}</span>
      </h3>
      <ul className="session-list">
        {sessions.map((session) => (
          <SessionItem key={session.id} session={session} host={host} onChanged={onChanged} />
        ))}
      </ul>
    </section>
  );
}
