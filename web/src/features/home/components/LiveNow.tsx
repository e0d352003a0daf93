import { formatTime } from "../../../shared/lib/format-date";
import type { CourseClass } from "../lib/home-plan";
import { ClassLink } from "./ClassLink";
import { HomeList } from "./HomeSection";

export function LiveNow({ live }: { live: readonly CourseClass[] }) {
  return (
    <HomeList id="home-live" title="Live now" empty="No class of yours is live right now." items={live} keyOf={(item) => item.session.id}>
      {({ course, session }) => (
        <li className="session-item session-item--live">
          <div className="session-item__summary">
            <p className="session-item__title">
              <span className="badge badge--live">
                <span className="live-dot" aria-hidden="true" /> Live
              </span>{" "}
              {session.title}
            </p>
            <p className="session-item__meta">
              {course.title}
              {session.started_at ? ` · since ${formatTime(session.started_at)}` : ""}
            </p>
          </div>
          <ClassLink course={course} session={session} primary />
        </li>
      )}
    </HomeList>
  );
}
