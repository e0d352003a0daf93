import { type KeyboardEvent, useId } from "react";
import { describeProblem } from "../../../api/problem";
import type { ReplaySearch } from "../hooks/useReplaySearch";
import { formatMediaTime } from "../lib/format-media-time";
import { hitKindLabel } from "../lib/search-hits";
import { PlayerIcon } from "./PlayerIcon";
import { Snippet } from "./Snippet";

/**
 * Search inside the class — what was said, the slides' text, questions and chat. Enter
 * goes to the first hit (again: the next; shift+Enter: the previous); the buttons, and n /
 * shift+N anywhere on the page, walk the hits. Each hit is also marked on the seek bar.
 */
export function ReplaySearchBox({ search }: { search: ReplaySearch }) {
  const inputId = useId();
  const count = search.hits.length;

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter" && event.shiftKey) {
      event.preventDefault();
      search.previous();
    } else if (event.key === "Escape" && search.text !== "") {
      event.preventDefault();
      search.clear();
    }
  }

  let summary = "";
  if (search.searching) summary = "Searching…";
  else if (search.error) summary = `Couldn't search. ${describeProblem(search.error.problem)}`;
  else if (search.query !== null && count === 0) summary = `Nothing found for “${search.query}”.`;
  else if (search.query !== null) {
    summary = search.current !== null ? `Hit ${search.current + 1} of ${count}` : `${count} ${count === 1 ? "hit" : "hits"}`;
  }

  return (
    <section className="replay-search" aria-label="Search this class">
      <form
        role="search"
        className="replay-search__form"
        onSubmit={(event) => {
          event.preventDefault();
          search.enter();
        }}
      >
        <label className="replay-search__label" htmlFor={inputId}>
          Search this class
        </label>
        <div className="replay-search__row">
          <input
            id={inputId}
            className="input replay-search__input"
            type="search"
            value={search.text}
            placeholder="A word, a phrase…"
            autoComplete="off"
            enterKeyHint="search"
            onChange={(event) => search.setText(event.currentTarget.value)}
            onKeyDown={onKeyDown}
          />
          <button type="button" className="button replay-controls__icon" onClick={search.previous} disabled={count === 0} aria-label="Previous hit" title="Previous hit (shift+N)">
            <PlayerIcon name="up" />
          </button>
          <button type="button" className="button replay-controls__icon" onClick={search.next} disabled={count === 0} aria-label="Next hit" title="Next hit (n)">
            <PlayerIcon name="down" />
          </button>
        </div>
        <p className="replay-search__summary" role="status">
          {summary}
        </p>
      </form>
      {count > 0 ? (
        <ol className="replay-search__hits" aria-label={`Hits for “${search.query ?? ""}”`}>
          {search.hits.map((hit, index) => (
            <li key={`${hit.kind}-${hit.idx ?? hit.ref_id ?? ""}-${hit.start_ms}-${index}`}>
              <button
                type="button"
                className="replay-hit"
                aria-current={index === search.current ? "true" : undefined}
                onClick={() => search.choose(index)}
              >
                <span className="replay-time">{formatMediaTime(hit.start_ms)}</span>{" "}
                <span className="replay-hit__kind">{hitKindLabel(hit.kind)}</span> <Snippet text={hit.snippet} />
              </button>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
