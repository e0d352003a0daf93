import { Link } from "react-router";
import { formatMediaTime } from "../../replay/lib/format-media-time";
import { replayPath } from "../../replay/lib/replay-paths";
import type { Watching } from "../lib/home-plan";
import { HomeList } from "./HomeSection";

/** Replays I started and did not finish, from where I left off. */
export function ContinueWatching({ watching }: { watching: readonly Watching[] }) {
  return (
    <HomeList
      id="home-watching"
      title="Continue watching"
      empty="No replay in progress. Replays you start show here, at the moment you stopped."
      items={watching}
      keyOf={(item) => item.session.id}
    >
      {({ course, session, positionMs, durationMs }) => (
        <li className="session-item">
          <div className="session-item__summary">
            <p className="session-item__title">{session.title}</p>
            <p className="session-item__meta">
              {course.title} · stopped at {formatMediaTime(positionMs)}
              {durationMs !== null ? ` of ${formatMediaTime(durationMs)}` : ""}
            </p>
            {durationMs !== null ? (
              <progress className="home-item__progress" max={durationMs} value={positionMs} aria-label={`Watched of ${session.title}`} />
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
      )}
    </HomeList>
  );
}
