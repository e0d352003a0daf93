import { formatTime } from "../../../shared/lib/format-date";
import type { CourseClass } from "../lib/home-plan";
import { ClassLink } from "./ClassLink";
import { HomeSection } from "./HomeSection";

export function LiveNow({ live }: { live: readonly CourseClass[] }) {
  return (
    <HomeSection id="home-live" title="Live now" empty={live.length === 0 ? "No class of yours is live right now." : null}>
      <ul className="home-list">
        {live.map(({ course, session }) => (
          <li key={session.id} className="home-item home-item--live">
            <div className="home-item__text">
              <p className="home-item__title">
                <span className="badge badge--live">
                  <span className="live-dot" aria-hidden="true" /> Live
                </span>{" "}
                {session.title}
              </p>
              <p className="home-item__meta muted small">
                {course.title}
                {session.started_at ? ` · since ${formatTime(session.started_at)}` : ""}
              </p>
            </div>
            <ClassLink course={course} session={session} primary />
          </li>
        ))}
      </ul>
    </HomeSection>
  );
}
