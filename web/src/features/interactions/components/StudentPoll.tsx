import { type FormEvent, useId, useState } from "react";
import { type ProblemError, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { ProblemMessage } from "../../../shared/components/InlineError";
import type { Poll } from "../../../api/types";
import { votePoll } from "../lib/interactions-api";
import { pollKindLabel } from "../lib/poll-results";
import { PollResults } from "./PollResults";

interface StudentPollProps {
  sessionId: string;
  /** The open poll, or the latest closed one whose results are shown; null when none. */
  poll: Poll | null;
}

/** A student's poll: vote (and change the vote) while it is open; results when the teacher shows them. */
export function StudentPoll({ sessionId, poll }: StudentPollProps) {
  if (poll === null || poll.status === "draft") {
    return (
      <div className="empty-state empty-state--compact">
        <p className="empty-state__title">No poll right now</p>
        <p className="muted small">When your teacher opens a poll, it appears here.</p>
      </div>
    );
  }
  // Keyed by poll: a new poll starts with a fresh choice.
  return <PollCard key={poll.id} sessionId={sessionId} poll={poll} />;
}

function PollCard({ sessionId, poll }: { sessionId: string; poll: Poll }) {
  const api = useApi();
  const id = useId();
  const [choice, setChoice] = useState<string[]>(poll.my_vote ?? []);
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<ProblemError | null>(null);
  const open = poll.status === "open";
  const multiple = poll.kind === "multiple";
  const voted = poll.my_vote !== null && poll.my_vote.length > 0;
  const unchanged = voted && sameChoice(choice, poll.my_vote ?? []);
  const showResults = poll.results_visible && poll.counts !== null;
  const revealed = poll.status === "closed" && (poll.correct_option_ids?.length ?? 0) > 0;

  async function vote(event: FormEvent) {
    event.preventDefault();
    if (sending || choice.length === 0 || unchanged) return;
    setSending(true);
    setProblem(null);
    try {
      await votePoll(api, sessionId, poll.id, choice);
    } catch (error) {
      setProblem(toProblemError(error));
    } finally {
      setSending(false);
    }
  }

  function toggle(optionId: string, checked: boolean) {
    if (!multiple) setChoice([optionId]);
    else setChoice((current) => (checked ? [...current, optionId] : current.filter((known) => known !== optionId)));
  }

  return (
    <section className="poll poll--student" aria-labelledby={`${id}-question`}>
      <p className="poll__kind muted small">
        {pollKindLabel(poll.kind)}
        {poll.anonymous ? " · anonymous" : ""} · {open ? "open" : "closed"}
      </p>
      {open ? (
        <form onSubmit={vote} className="poll__form">
          <fieldset className="fieldset">
            <legend id={`${id}-question`} className="poll__question">
              {poll.question}
            </legend>
            {multiple ? <p className="muted small">Choose all that apply.</p> : null}
            <div className="poll__options">
              {poll.options.map((option) => (
                <label key={option.id} className="poll__option">
                  <input
                    type={multiple ? "checkbox" : "radio"}
                    name={`${id}-option`}
                    value={option.id}
                    checked={choice.includes(option.id)}
                    onChange={(event) => toggle(option.id, event.target.checked)}
                  />
                  <span>{option.text}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="poll__vote-row">
            <button
              type="submit"
              className="button button--primary button--small"
              disabled={sending || choice.length === 0 || unchanged}
            >
              {sending ? "Sending…" : voted ? "Change vote" : "Vote"}
            </button>
            {voted ? (
              <p className="muted small" role="status">
                Your vote is in. You can change it while the poll is open.
              </p>
            ) : null}
          </div>
          <ProblemMessage problem={problem} />
        </form>
      ) : (
        <>
          <h3 id={`${id}-question`} className="poll__question">
            {poll.question}
          </h3>
          <p className="poll__closed" role="status">
            This poll is closed.
            {revealed && !showResults ? ` Right answer: ${rightAnswers(poll)}.` : ""}
            {!showResults && !revealed ? " Your teacher hasn't shared the results." : ""}
          </p>
          {revealed && voted ? <p className="poll__verdict">{verdict(poll)}</p> : null}
          {!showResults && voted ? <p className="muted small">Your vote: {choiceText(poll, poll.my_vote ?? [])}</p> : null}
        </>
      )}
      {showResults ? <PollResults poll={poll} /> : null}
      {open && !poll.results_visible ? (
        <p className="muted small">Results appear here if your teacher shares them.</p>
      ) : null}
    </section>
  );
}

function sameChoice(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((optionId) => b.includes(optionId));
}

function choiceText(poll: Poll, optionIds: readonly string[]): string {
  return poll.options
    .filter((option) => optionIds.includes(option.id))
    .map((option) => option.text)
    .join(", ");
}

function rightAnswers(poll: Poll): string {
  return choiceText(poll, poll.correct_option_ids ?? []);
}

function verdict(poll: Poll): string {
  const right = sameChoice(poll.my_vote ?? [], poll.correct_option_ids ?? []);
  return right ? "You got it right." : `Not quite: the right answer is ${rightAnswers(poll)}.`;
}
