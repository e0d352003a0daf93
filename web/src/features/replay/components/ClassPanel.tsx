import { memo, useCallback, useId, useMemo } from "react";
import type { Highlight, ReplayPoll, ReplayQuestion } from "../../../api/types";
import { PollResults } from "../../interactions/components/PollResults";
import type { ReplayChatLog } from "../hooks/useReplayChat";
import { usePlayheadValue } from "../hooks/usePlayheadValue";
import { asPoll, byId, describeHighlight, pollStateAt, questionsAt } from "../lib/class-moment";
import { formatMediaTime } from "../lib/format-media-time";
import type { Playhead } from "../lib/playhead";
import { type ReplayTimeline, answersGivenBy, pollsClosedBy, pollsOpenedBy, questionsAskedBy } from "../lib/timeline";
import { ChatReplay } from "./ChatReplay";

interface ClassPanelProps {
  timeline: ReplayTimeline;
  highlights: readonly Highlight[];
  chat: ReplayChatLog;
  playhead: Playhead;
  onSeek(ms: number): void;
}

/** The class as it was at the playhead: highlights to jump to, the polls, the questions and the chat. */
export const ClassPanel = memo(function ClassPanel({ timeline, highlights, chat, playhead, onSeek }: ClassPanelProps) {
  return (
    <div className="replay-class">
      <Highlights highlights={highlights} timeline={timeline} onSeek={onSeek} />
      <PollsAtMoment timeline={timeline} playhead={playhead} />
      <QuestionsAtMoment timeline={timeline} playhead={playhead} onSeek={onSeek} />
      <ChatReplay chat={chat} playhead={playhead} />
    </div>
  );
});

function Highlights({
  highlights,
  timeline,
  onSeek,
}: {
  highlights: readonly Highlight[];
  timeline: ReplayTimeline;
  onSeek(ms: number): void;
}) {
  const headingId = useId();
  const questions = useMemo(() => byId(timeline.questions), [timeline]);
  const polls = useMemo(() => byId(timeline.polls), [timeline]);
  const ordered = useMemo(() => [...highlights].sort((a, b) => a.start_ms - b.start_ms), [highlights]);
  if (ordered.length === 0) return null;
  return (
    <section className="replay-class__section" aria-labelledby={headingId}>
      <h3 id={headingId} className="replay-panel__subtitle">
        Highlights <span className="count">{ordered.length}</span>
      </h3>
      <ul className="replay-highlights">
        {ordered.map((highlight) => {
          const view = describeHighlight(highlight, questions, polls);
          return (
            <li key={highlight.id} className="replay-highlight">
              <button type="button" className="replay-jump" onClick={() => onSeek(highlight.start_ms)}>
                <span className="replay-time">{formatMediaTime(highlight.start_ms)}</span>{" "}
                {/* The same colour as its dot on the seek bar; the label says it in words. */}
                <span className={`replay-highlight__dot seek__highlight--${highlight.kind}`} aria-hidden="true" />{" "}
                <span className="replay-highlight__label">{view.label}:</span>{" "}
                <span className="replay-highlight__title">{view.title}</span>
                {view.detail ? (
                  <>
                    {" "}
                    <span className="replay-highlight__detail">({view.detail})</span>
                  </>
                ) : null}
              </button>
              {view.answeredMs !== null ? (
                <button type="button" className="button button--link replay-highlight__answer" onClick={() => onSeek(view.answeredMs ?? 0)}>
                  Go to the answer ({formatMediaTime(view.answeredMs)})
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function PollsAtMoment({ timeline, playhead }: { timeline: ReplayTimeline; playhead: Playhead }) {
  const headingId = useId();
  // Changes when a poll opens or closes, not on every tick; the polls' states follow from it.
  const moment = usePlayheadValue(
    playhead,
    useCallback((ms: number) => `${pollsOpenedBy(timeline, ms)}:${pollsClosedBy(timeline, ms)}`, [timeline]),
  );
  const shown = useMemo(() => {
    const now = playhead.get();
    return timeline.polls
      .slice(0, pollsOpenedBy(timeline, now))
      .reverse()
      .map((poll) => ({ poll, closed: pollStateAt(poll, now) === "closed" }));
    // `moment` says when what is shown changes.
  }, [timeline, playhead, moment]);
  if (timeline.polls.length === 0) return null;
  return (
    <section className="replay-class__section" aria-labelledby={headingId}>
      <h3 id={headingId} className="replay-panel__subtitle">
        Polls
      </h3>
      {shown.length === 0 ? <p className="muted small">No poll had been opened yet at this point.</p> : null}
      <ul className="replay-polls">
        {shown.map(({ poll, closed }) => (
          <PollAtMoment key={poll.id} poll={poll} closed={closed} />
        ))}
      </ul>
    </section>
  );
}

function PollAtMoment({ poll, closed }: { poll: ReplayPoll; closed: boolean }) {
  return (
    <li className="replay-poll">
      <p className="replay-poll__question">
        <span className={closed ? "badge badge--muted" : "badge badge--answered"}>{closed ? "Closed" : "Open"}</span>{" "}
        {poll.question}
      </p>
      {closed && poll.counts !== null ? (
        <PollResults poll={asPoll(poll)} label={`Results: ${poll.question}`} />
      ) : (
        <>
          <ul className="replay-poll__options">
            {poll.options.map((option) => (
              <li key={option.id}>{option.text}</li>
            ))}
          </ul>
          <p className="muted small">{closed ? "The results weren't shown to the class." : "Voting was open at this point."}</p>
        </>
      )}
    </li>
  );
}

function QuestionsAtMoment({ timeline, playhead, onSeek }: { timeline: ReplayTimeline; playhead: Playhead; onSeek(ms: number): void }) {
  const headingId = useId();
  // Changes when a question is asked or answered, not on every tick.
  const moment = usePlayheadValue(
    playhead,
    useCallback((ms: number) => `${questionsAskedBy(timeline, ms)}:${answersGivenBy(timeline, ms)}`, [timeline]),
  );
  const shown = useMemo(() => {
    const now = playhead.get();
    return questionsAt(timeline.questions, questionsAskedBy(timeline, now), now);
    // `moment` says when what is shown changes.
  }, [timeline, playhead, moment]);
  if (timeline.questions.length === 0) return null;
  return (
    <section className="replay-class__section" aria-labelledby={headingId}>
      <h3 id={headingId} className="replay-panel__subtitle">
        Questions <span className="count">{shown.length}</span>
      </h3>
      {shown.length === 0 ? <p className="muted small">No question had been asked yet at this point.</p> : null}
      <ol className="qa__list replay-questions">
        {shown.map(({ question, answered: isAnswered }) => (
          <QuestionAtMoment key={question.id} question={question} answered={isAnswered} onSeek={onSeek} />
        ))}
      </ol>
    </section>
  );
}

function QuestionAtMoment({ question, answered, onSeek }: { question: ReplayQuestion; answered: boolean; onSeek(ms: number): void }) {
  const votes = `${question.upvotes} ${question.upvotes === 1 ? "vote" : "votes"}`;
  return (
    <li className={answered ? "qa__question qa__question--answered" : "qa__question"}>
      <div className="qa__votes">
        <span className="qa__count">{votes}</span>
      </div>
      <div className="qa__content">
        <p className="qa__body">{question.body}</p>
        <p className="qa__meta muted small">
          {question.author_name ?? "Anonymous"} ·{" "}
          <button type="button" className="button button--link" onClick={() => onSeek(question.asked_ms)}>
            asked at {formatMediaTime(question.asked_ms)}
          </button>
          {answered ? <span className="badge badge--answered">Answered</span> : null}
        </p>
        {answered && question.answer_text ? (
          <p className="qa__answer">
            <span className="qa__answer-label">Answer:</span> {question.answer_text}
          </p>
        ) : null}
        {!answered && question.answered_ms !== null ? (
          <button type="button" className="button button--link small" onClick={() => onSeek(question.answered_ms ?? 0)}>
            Answered later, at {formatMediaTime(question.answered_ms)}
          </button>
        ) : null}
      </div>
    </li>
  );
}
