import { CalendarPlus } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { formatDateTime, formatTime } from "../../../shared/lib/format-date";
import type { CourseClass } from "../lib/home-plan";
import { classIcs, icsFilename, icsHref } from "../lib/ics";
import { ClassLink } from "./ClassLink";
import { HomeSection } from "./HomeSection";

/** The next classes across my courses, in my time zone, each with an .ics file to add to a calendar. */
export function ComingUp({ upcoming }: { upcoming: readonly CourseClass[] }) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <HomeSection
      id="home-upcoming"
      title="Coming up"
      empty={upcoming.length === 0 ? "Nothing scheduled. New classes of your courses will show here." : null}
    >
      <ul className="home-list">
        {upcoming.map(({ course, session }) => {
          const url = new URL(`/sessions/${encodeURIComponent(session.id)}`, window.location.origin).toString();
          return (
            <li key={session.id} className="home-item">
              <div className="home-item__text">
                <p className="home-item__title">{session.title}</p>
                <p className="home-item__meta muted small">
                  {course.title} ·{" "}
                  <time dateTime={session.scheduled_start}>
                    {formatDateTime(session.scheduled_start)}–{formatTime(session.scheduled_end)}
                  </time>
                  <span className="visually-hidden"> ({zone})</span>
                </p>
              </div>
              <div className="home-item__actions">
                <a
                  className="button button--small"
                  href={icsHref(classIcs(session, course.title, url))}
                  download={icsFilename(session.title)}
                  aria-label={`Add ${session.title} to your calendar (.ics)`}
                  title="Add to calendar (.ics)"
                >
                  <Icon glyph={CalendarPlus} /> <span className="home-item__ics">Add to calendar</span>
                </a>
                <ClassLink course={course} session={session} primary={false} />
              </div>
            </li>
          );
        })}
      </ul>
      <p className="muted small home-section__note">Times are in your time zone ({zone}).</p>
    </HomeSection>
  );
}
