import { type FormEvent, useId, useLayoutEffect, useRef, useState } from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import { type ProblemError, describeProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import type { Question } from "../../../api/types";
import { useAction } from "../../../shared/hooks/useAction";
import { formatClock } from "../lib/format-time";
import { type QuestionModeration, askQuestion, moderateQuestion, voteQuestion } from "../lib/interactions-api";
import { groupQuestions } from "../lib/questions";
import { ActionAlert } from "./ActionAlert";

export const MAX_QUESTION = 1000;
export const MAX_ANSWER = 2000;

interface QaPanelProps {
  sessionId: string;
  questions: readonly Question[];
  viewerId: string | null;
  /** Host or moderator: answer, dismiss, reopen; sees dismissed questions and anonymous authors. */
  staff: boolean;
}

/** Questions for the teacher: most upvoted first; students ask and upvote, staff answer. */
export function QaPanel({ sessionId, questions, viewerId, staff }: QaPanelProps) {
  const api = useApi();
  const action = useAction();
  const groups = groupQuestions(questions, staff);
  const empty = groups.open.length + groups.answered.length + groups.dismissed.length === 0;

  const itemProps = {
    staff,
    viewerId,
    busy: action.busy,
    onVote: (question: Question) =>
      void action.run(`vote:${question.id}`, "Couldn't change your vote", () =>
        voteQuestion(api, sessionId, question.id, !question.voted),
      ),
    onModerate: (question: Question, to: QuestionModeration, answerText?: string) =>
      action.run(`${to}:${question.id}`, moderationFailure(to), () =>
        moderateQuestion(api, sessionId, question.id, to, answerText),
      ),
  };

  return (
    <div className="qa">
      {staff ? null : <AskForm sessionId={sessionId} />}
      <ActionAlert failure={action.failure} onDismiss={action.dismiss} />
      {empty ? (
        <div className="empty-state empty-state--compact">
          <p className="empty-state__title">No questions yet</p>
          <p className="muted small">
            {staff
              ? "Students' questions appear here, the most upvoted first."
              : "Ask the first one: the questions with the most votes rise to the top."}
          </p>
        </div>
      ) : null}
      <QuestionGroup title="Open questions" questions={groups.open} {...itemProps} />
      <QuestionGroup title="Answered" questions={groups.answered} {...itemProps} />
      <QuestionGroup title="Dismissed" questions={groups.dismissed} {...itemProps} />
    </div>
  );
}

function moderationFailure(to: QuestionModeration): string {
  return to === "answer" ? "Couldn't mark it answered" : to === "dismiss" ? "Couldn't dismiss it" : "Couldn't reopen it";
}

interface ItemProps {
  staff: boolean;
  viewerId: string | null;
  busy: string | null;
  onVote(question: Question): void;
  onModerate(question: Question, to: QuestionModeration, answerText?: string): Promise<boolean>;
}

function QuestionGroup({ title, questions, ...itemProps }: ItemProps & { title: string; questions: Question[] }) {
  const headingId = useId();
  if (questions.length === 0) return null;
  return (
    <section className="qa__group" aria-labelledby={headingId}>
      <h3 id={headingId} className="qa__group-title">
        {title} <span className="count">{questions.length}</span>
      </h3>
      <ol className="qa__list">
        {questions.map((question) => (
          <QuestionItem key={question.id} question={question} {...itemProps} />
        ))}
      </ol>
    </section>
  );
}

function QuestionItem({ question, staff, viewerId, busy, onVote, onModerate }: ItemProps & { question: Question }) {
  const [answering, setAnswering] = useState(false);
  const own = question.author_id !== null && question.author_id === viewerId;
  const votes = `${question.upvotes} ${question.upvotes === 1 ? "vote" : "votes"}`;
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
              <span aria-hidden="true">▲</span> {question.voted ? "Upvoted" : "Upvote"}
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
                <button
                  type="button"
                  className="button button--small"
                  disabled={busy !== null}
                  onClick={() => void onModerate(question, "dismiss")}
                >
                  Dismiss
                </button>
              </>
            ) : (
              <button
                type="button"
                className="button button--small"
                disabled={busy !== null}
                onClick={() => void onModerate(question, "reopen")}
              >
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

function authorLabel(question: Question, own: boolean, staff: boolean): string {
  if (own) return question.anonymous ? "You (anonymously)" : "You";
  if (question.anonymous) {
    return staff && question.author_name ? `${question.author_name} (anonymous to students)` : "Anonymous";
  }
  return question.author_name ?? "Someone";
}

function AnswerForm({
  busy,
  onAnswer,
  onCancel,
}: {
  busy: boolean;
  onAnswer(text: string): void;
  onCancel(): void;
}) {
  const id = useId();
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement | null>(null);
  useLayoutEffect(() => input.current?.focus(), []);
  const tooLong = text.trim().length > MAX_ANSWER;
  return (
    <form
      className="qa__answer-form"
      aria-label="Answer the question"
      onSubmit={(event) => {
        event.preventDefault();
        if (!tooLong) onAnswer(text.trim());
      }}
    >
      <label htmlFor={id} className="field__label">
        Answer (optional)
      </label>
      <textarea
        id={id}
        ref={input}
        className="input textarea"
        rows={2}
        value={text}
        aria-invalid={tooLong}
        onChange={(event) => setText(event.target.value)}
      />
      {tooLong ? <p className="field__error">Keep the answer under {MAX_ANSWER} characters.</p> : null}
      <div className="actions">
        <button type="submit" className="button button--small button--primary" disabled={busy || tooLong}>
          {busy ? "Saving…" : "Mark answered"}
        </button>
        <button type="button" className="button button--small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function AskForm({ sessionId }: { sessionId: string }) {
  const api = useApi();
  const id = useId();
  const [body, setBody] = useState("");
  const [anonymous, setAnonymous] = useState(false);
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<ProblemError | null>(null);
  const keys = useRef(new IdempotencyKeys());
  const trimmed = body.trim();
  const tooLong = trimmed.length > MAX_QUESTION;

  async function ask(event: FormEvent) {
    event.preventDefault();
    if (sending || trimmed === "" || tooLong) return;
    setSending(true);
    setProblem(null);
    try {
      await askQuestion(api, sessionId, trimmed, anonymous, keys.current.keyFor({ body: trimmed, anonymous }));
      keys.current.reset();
      setBody("");
    } catch (error) {
      setProblem(toProblemError(error));
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="qa__ask" onSubmit={ask} aria-label="Ask a question">
      <label htmlFor={id} className="field__label">
        Your question
      </label>
      <textarea
        id={id}
        className="input textarea"
        rows={2}
        value={body}
        aria-invalid={tooLong}
        onChange={(event) => setBody(event.target.value)}
      />
      {tooLong ? <p className="field__error">Keep your question under {MAX_QUESTION} characters.</p> : null}
      <div className="qa__ask-row">
        <label className="checkbox">
          <input type="checkbox" checked={anonymous} onChange={(event) => setAnonymous(event.target.checked)} /> Ask
          anonymously
        </label>
        <button type="submit" className="button button--primary button--small" disabled={sending || trimmed === "" || tooLong}>
          {sending ? "Asking…" : "Ask"}
        </button>
      </div>
      {anonymous ? (
        <p className="muted small">Other students won't see your name; your teachers still can.</p>
      ) : null}
      {problem ? (
        <p className="field__error" role="alert">
          {describeProblem(problem.problem)}
        </p>
      ) : null}
    </form>
  );
}
