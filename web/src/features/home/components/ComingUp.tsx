import { CalendarPlus } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { formatDateTime, formatTime } from "../../../shared/lib/format-date";
import type { CourseClass } from "../lib/home-plan";
import { classIcs, icsFilename, icsHref } from "../lib/ics";
import { ClassLink } from "./ClassLink";
import { HomeList } from "./HomeSection";

/** The next classes across my courses, in my time zone, each with an .ics file to add to a calendar. */
export function ComingUp({ upcoming }: { upcoming: readonly CourseClass[] }) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <HomeList
      id="home-upcoming"
      title="Coming up"
      empty="Nothing scheduled. New classes of your courses will show here."
      items={upcoming}
      keyOf={(item) => item.session.id}
      footer={<p className="muted small home-section__note">Times are in your time zone ({zone}).</p>}
    >
      {({ course, session }) => {
        const url = new URL(`/sessions/${encodeURIComponent(session.id)}`, window.location.origin).toString();
        return (
          <li className="session-item">
            <div className="session-item__summary">
              <p className="session-item__title">{session.title}</p>
              <p className="session-item__meta">
                <span>{course.title}</span>
                <time dateTime={session.scheduled_start}>
                  {formatDateTime(session.scheduled_start)}–{formatTime(session.scheduled_end)}
                </time>
              </p>
            </div>
            <div className="session-item__actions">
              <a
                className="button button--small"
                href={icsHref(classIcs(session, course.title, url))}
                download={icsFilename(session.title)}
                aria-label={`Add ${session.title} to your calendar (.ics)`}
                title="Add to calendar (.ics)"
              >
                <Icon glyph={CalendarPlus} /> Add to calendar
              </a>
              <ClassLink course={course} session={session} primary={false} />
            </div>
          </li>
        );
      }}
    </HomeList>
  );
}
