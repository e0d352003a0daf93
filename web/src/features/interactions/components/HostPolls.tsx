import { Check } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { useId, useRef, useState } from "react";
import { useApi } from "../../../auth/useApi";
import { ErrorState } from "../../../shared/components/ErrorState";
import { LoadingState } from "../../../shared/components/LoadingState";
import type { Poll } from "../../../api/types";
import { useAction } from "../../../shared/hooks/useAction";
import { useHostPolls, withLive } from "../hooks/useHostPolls";
import { movePoll, showPollResults } from "../lib/interactions-api";
import { pollKindLabel } from "../lib/poll-results";
import { ActionAlert } from "./ActionAlert";
import { PollDraftForm } from "./PollDraftForm";
import { PollResults } from "./PollResults";

interface HostPollsProps {
  sessionId: string;
  /** The poll `/state` and the feed know: the open one (with live tallies), or the latest shown. */
  live: Poll | null;
}

/** Staff's polls: draft, open, close, show or hide results, and the live tally. */
export function HostPolls({ sessionId, live }: HostPollsProps) {
  const api = useApi();
  const polls = useHostPolls(sessionId, live);
  const action = useAction();
  const [drafting, setDrafting] = useState(false);
  // While the list is read again, the last one stays on screen.
  const lastList = useRef<Poll[] | null>(null);
  if (polls.status === "ready") lastList.current = polls.data;
  const listed = lastList.current;
  const items = listed?.map((poll) => withLive(poll, live)) ?? null;
  const openPoll = items?.find((poll) => poll.status === "open") ?? null;

  function replace(poll: Poll) {
    polls.update((current) => current.map((known) => (known.id === poll.id ? poll : known)));
  }

  return (
    <div className="host-polls">
      {drafting ? (
        <PollDraftForm
          sessionId={sessionId}
          onCreated={(poll) => {
            polls.update((current) => [poll, ...current.filter((known) => known.id !== poll.id)]);
            setDrafting(false);
          }}
          onCancel={() => setDrafting(false)}
        />
      ) : (
        <button type="button" className="button button--primary" onClick={() => setDrafting(true)}>
          New poll
        </button>
      )}
      <ActionAlert failure={action.failure} onDismiss={action.dismiss} />
      {items === null && polls.status === "loading" ? <LoadingState label="Loading polls…" /> : null}
      {items === null && polls.status === "error" ? (
        <ErrorState title="Couldn't load the polls" problem={polls.error} onRetry={polls.reload} />
      ) : null}
      {items !== null && items.length === 0 && !drafting ? (
        <div className="empty-state empty-state--compact">
          <p className="empty-state__title">No polls yet</p>
          <p className="muted small">Draft one now and open it when the moment comes.</p>
        </div>
      ) : null}
      {items !== null && items.length > 0 ? (
        <ol className="host-polls__list">
          {items.map((poll) => (
            <HostPollItem
              key={poll.id}
              poll={poll}
              otherOpen={openPoll !== null && openPoll.id !== poll.id}
              busy={action.busy}
              onOpen={() =>
                void action.run(`open:${poll.id}`, "Couldn't open the poll", async () =>
                  replace(await movePoll(api, sessionId, poll.id, "open")),
                )
              }
              onClose={() =>
                void action.run(`close:${poll.id}`, "Couldn't close the poll", async () =>
                  replace(await movePoll(api, sessionId, poll.id, "close")),
                )
              }
              onResults={(visible) =>
                void action.run(
                  `results:${poll.id}`,
                  visible ? "Couldn't show the results" : "Couldn't hide the results",
                  async () => replace(await showPollResults(api, sessionId, poll.id, visible)),
                )
              }
            />
          ))}
        </ol>
      ) : null}
    </div>
  );
}

interface HostPollItemProps {
  poll: Poll;
  /** Another poll is open: only one can be at a time. */
  otherOpen: boolean;
  busy: string | null;
  onOpen(): void;
  onClose(): void;
  onResults(visible: boolean): void;
}

function HostPollItem({ poll, otherOpen, busy, onOpen, onClose, onResults }: HostPollItemProps) {
  const headingId = useId();
  return (
    <li className={`host-poll host-poll--${poll.status}`}>
      <section aria-labelledby={headingId}>
        <p className="host-poll__meta muted small">
          <span className={`badge badge--poll-${poll.status}`}>{statusLabel(poll.status)}</span>{" "}
          {pollKindLabel(poll.kind)}
          {poll.anonymous ? " · anonymous" : ""}
          {poll.status !== "draft" ? (poll.results_visible ? " · results shown" : " · results hidden") : ""}
        </p>
        <h3 id={headingId} className="host-poll__question">
          {poll.question}
        </h3>
        {poll.status === "draft" ? (
          <ul className="host-poll__options">
            {poll.options.map((option) => (
              <li key={option.id}>
                {option.text}
                {poll.correct_option_ids?.includes(option.id) ? (
                  <>
                    {" "}
                    <Icon glyph={Check} />
                    <span className="visually-hidden">(right answer)</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <PollResults poll={{ ...poll, counts: poll.counts ?? {}, my_vote: null }} label="Live tally" />
        )}
        <div className="actions host-poll__actions">
          {poll.status === "draft" ? (
            <button
              type="button"
              className="button button--primary button--small"
              disabled={busy !== null || otherOpen}
              onClick={onOpen}
            >
              {busy === `open:${poll.id}` ? "Opening…" : "Open poll"}
            </button>
          ) : null}
          {poll.status === "open" ? (
            <button type="button" className="button button--small" disabled={busy !== null} onClick={onClose}>
              {busy === `close:${poll.id}` ? "Closing…" : "Close poll"}
            </button>
          ) : null}
          {poll.status !== "draft" ? (
            <button
              type="button"
              className="button button--small"
              disabled={busy !== null}
              onClick={() => onResults(!poll.results_visible)}
            >
              {poll.results_visible ? "Hide results from students" : "Show results to students"}
            </button>
          ) : null}
        </div>
        {poll.status === "draft" && otherOpen ? (
          <p className="muted small">Close the open poll before opening this one.</p>
        ) : null}
      </section>
    </li>
  );
}

function statusLabel(status: Poll["status"]): string {
  return status === "draft" ? "Draft" : status === "open" ? "Open" : "Closed";
}
