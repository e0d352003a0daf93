import { ArrowBigUp } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { useId, useLayoutEffect, useRef, useState } from "react";
import type { Question } from "../../../api/types";
import { formatClock } from "../lib/format-time";
import type { QuestionModeration } from "../lib/interactions-api";
import { useLimitedText } from "../hooks/useLimitedText";
import { authorLabel } from "../lib/questions";
import { QuestionText } from "./QuestionText";

export const MAX_ANSWER = 2000;

/** What a viewer may do to questions, and which of those runs now. */
export interface QuestionActions {
  staff: boolean;
  viewerId: string | null;
  busy: string | null;
  onVote(question: Question): void;
  onModerate(question: Question, to: QuestionModeration, answerText?: string): Promise<boolean>;
}

/** A titled list of questions ("Open questions 3"); nothing when it is empty. */
export function QuestionGroup({ title, questions, ...actions }: QuestionActions & { title: string; questions: Question[] }) {
  const headingId = useId();
  if (questions.length === 0) return null;
  return (
    <section className="qa__group" aria-labelledby={headingId}>
      <h3 id={headingId} className="qa__group-title">
        {title} <span className="count">{questions.length}</span>
      </h3>
      <ol className="qa__list">
        {questions.map((question) => (
          <QuestionItem key={question.id} question={question} {...actions} />
        ))}
      </ol>
    </section>
  );
}

function QuestionItem({ question, staff, viewerId, busy, onVote, onModerate }: QuestionActions & { question: Question }) {
  const [answering, setAnswering] = useState(false);
  const own = question.author_id !== null && question.author_id === viewerId;
  const votes = `${question.upvotes} ${question.upvotes === 1 ? "vote" : "votes"}`;
  const moderate = (to: QuestionModeration) => void onModerate(question, to);
  return (
    <li className={`qa__question qa__question--${question.status}`}>
      <div className="qa__votes">
        {staff ? (
          <span className="qa__count">{votes}</span>
        ) : (
          <>
            <button
              type="button"
              className="button button--small qa__upvote"
              aria-pressed={question.voted}
              disabled={busy === `vote:${question.id}`}
              onClick={() => onVote(question)}
            >
              <Icon glyph={ArrowBigUp} /> {question.voted ? "Upvoted" : "Upvote"}
            </button>
            <span className="qa__count">{votes}</span>
          </>
        )}
      </div>
      <div className="qa__content">
        <p className="qa__body">{question.body}</p>
        <p className="qa__meta muted small">
          {authorLabel(question, own, staff)} · <time dateTime={question.created_at}>{formatClock(question.created_at)}</time>
          {question.status === "answered" ? <span className="badge badge--answered">Answered</span> : null}
          {question.status === "dismissed" ? <span className="badge badge--muted">Dismissed</span> : null}
        </p>
        {question.status === "answered" && question.answer_text ? (
          <p className="qa__answer">
            <span className="qa__answer-label">Answer:</span> {question.answer_text}
          </p>
        ) : null}
        {staff && !answering ? (
          <div className="qa__actions" role="group" aria-label="Moderate the question">
            {question.status === "open" ? (
              <>
                <button type="button" className="button button--small button--primary" onClick={() => setAnswering(true)}>
                  Answer
                </button>
                <button type="button" className="button button--small" disabled={busy !== null} onClick={() => moderate("dismiss")}>
                  Dismiss
                </button>
              </>
            ) : (
              <button type="button" className="button button--small" disabled={busy !== null} onClick={() => moderate("reopen")}>
                Reopen
              </button>
            )}
          </div>
        ) : null}
        {staff && answering ? (
          <AnswerForm
            busy={busy === `answer:${question.id}`}
            onAnswer={async (text) => {
              if (await onModerate(question, "answer", text)) setAnswering(false);
            }}
            onCancel={() => setAnswering(false)}
          />
        ) : null}
      </div>
    </li>
  );
}

function AnswerForm({ busy, onAnswer, onCancel }: { busy: boolean; onAnswer(text: string): void; onCancel(): void }) {
  const text = useLimitedText(MAX_ANSWER);
  const input = useRef<HTMLTextAreaElement | null>(null);
  useLayoutEffect(() => input.current?.focus(), []);
  return (
    <form
      className="qa__answer-form"
      aria-label="Answer the question"
      onSubmit={(event) => {
        event.preventDefault();
        if (!text.tooLong) onAnswer(text.trimmed);
      }}
    >
      <QuestionText label="Answer (optional)" text={text} limitMessage={`Keep the answer under ${MAX_ANSWER} characters.`} inputRef={input} />
      <div className="actions">
        <button type="submit" className="button button--small button--primary" disabled={busy || text.tooLong}>
          {busy ? "Saving…" : "Mark answered"}
        </button>
        <button type="button" className="button button--small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
