import { Check } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import type { Poll } from "../../../api/types";
import { pollResults, votesCast } from "../lib/poll-results";

/** A poll's counts as bars, with the right answers (when known) and the viewer's own choice. */
export function PollResults({ poll, label = "Results" }: { poll: Poll; label?: string }) {
  const results = pollResults(poll);
  const voters = votesCast(poll);
  return (
    <div className="poll-results">
      <ul className="poll-results__list" aria-label={label}>
        {results.map((option) => (
          <li
            key={option.id}
            className={option.correct ? "poll-results__option poll-results__option--correct" : "poll-results__option"}
          >
            <div className="poll-results__label">
              <span className="poll-results__text">{option.text}</span>
              {option.correct ? <span className="badge badge--answered"><Icon glyph={Check} /> Right answer</span> : null}
              {option.mine ? <span className="badge badge--muted">Your vote</span> : null}
              <span className="poll-results__count">
                {option.count} {option.count === 1 ? "vote" : "votes"} · {option.percent}%
              </span>
            </div>
            <div className="poll-bar" aria-hidden="true">
              <span className="poll-bar__fill" style={{ width: `${option.percent}%` }} />
            </div>
          </li>
        ))}
      </ul>
      <p className="poll-results__total muted small">
        {voters === 1 ? "1 person voted" : `${voters} people voted`}
      </p>
    </div>
  );
}
