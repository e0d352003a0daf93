import { type FormEvent, useRef, useState } from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import { type ProblemError, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { ProblemMessage } from "../../../shared/components/InlineError";
import { useLimitedText } from "../hooks/useLimitedText";
import { askQuestion } from "../lib/interactions-api";
import { QuestionText } from "./QuestionText";

export const MAX_QUESTION = 1000;

/** A student asks a question, by name or anonymously (to other students). */
export function AskForm({ sessionId }: { sessionId: string }) {
  const api = useApi();
  const body = useLimitedText(MAX_QUESTION);
  const { trimmed, tooLong } = body;
  const [anonymous, setAnonymous] = useState(false);
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<ProblemError | null>(null);
  const keys = useRef(new IdempotencyKeys());

  async function ask(event: FormEvent) {
    event.preventDefault();
    if (sending || trimmed === "" || tooLong) return;
    setSending(true);
    setProblem(null);
    try {
      await askQuestion(api, sessionId, trimmed, anonymous, keys.current.keyFor({ body: trimmed, anonymous }));
      keys.current.reset();
      body.setValue("");
    } catch (error) {
      setProblem(toProblemError(error));
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="qa__ask" onSubmit={ask} aria-label="Ask a question">
      <QuestionText label="Your question" text={body} limitMessage={`Keep your question under ${MAX_QUESTION} characters.`} />
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
      <ProblemMessage problem={problem} />
    </form>
  );
}
