import { Link } from "react-router";
import { formatMediaTime } from "../../replay/lib/format-media-time";
import { replayPath } from "../../replay/lib/replay-paths";
import type { Watching } from "../lib/home-plan";
import { HomeSection } from "./HomeSection";

/** Replays I started and did not finish, from where I left off. */
export function ContinueWatching({ watching }: { watching: readonly Watching[] }) {
  return (
    <HomeSection
      id="home-watching"
      title="Continue watching"
      empty={watching.length === 0 ? "No replay in progress. Replays you start show here, at the moment you stopped." : null}
    >
      <ul className="home-list">
        {watching.map(({ course, session, positionMs, durationMs }) => (
          <li key={session.id} className="home-item">
            <div className="home-item__text">
              <p className="home-item__title">{session.title}</p>
              <p className="home-item__meta muted small">
                {course.title} · stopped at {formatMediaTime(positionMs)}
                {durationMs !== null ? ` of ${formatMediaTime(durationMs)}` : ""}
              </p>
              {durationMs !== null ? (
                <progress
                  className="home-item__progress"
                  max={durationMs}
                  value={positionMs}
                  aria-label={`Watched of ${session.title}`}
                />
              ) : null}
            </div>
            <Link
              className="button button--primary button--small"
              to={replayPath(session.id, { atMs: positionMs })}
              aria-label={`Resume ${session.title}`}
            >
              Resume
            </Link>
          </li>
        ))}
      </ul>
    </HomeSection>
  );
}
