import { useId, useState } from "react";
import { describeProblem, toProblemError } from "../../../api/problem";

interface LmsActionProps {
  title: string;
  /** What the button does, in a sentence (its description). */
  explanation: string;
  /** The LMS's address (issuer), shown as text. */
  platform: string | null;
  label: string;
  busyLabel: string;
  /** Runs the action; resolves to the sentence saying what it did. */
  run(): Promise<string>;
}

type Outcome = { kind: "idle" } | { kind: "busy" } | { kind: "done"; message: string } | { kind: "failed"; message: string };

/** One LMS action: a button, its loading state, and what it did or why it failed. */
export function LmsAction({ title, explanation, platform, label, busyLabel, run }: LmsActionProps) {
  const [outcome, setOutcome] = useState<Outcome>({ kind: "idle" });
  const titleId = useId();
  const explanationId = useId();
  const busy = outcome.kind === "busy";

  async function press() {
    if (busy) return;
    setOutcome({ kind: "busy" });
    try {
      setOutcome({ kind: "done", message: await run() });
    } catch (error) {
      setOutcome({ kind: "failed", message: describeProblem(toProblemError(error).problem) });
    }
  }

  return (
    <section className="card card--quiet lms-action" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <p className="muted" id={explanationId}>
        {explanation}
        {platform ? <> LMS: <span className="lms-action__platform">{platform}</span></> : null}
      </p>
      <button
        type="button"
        className="button"
        aria-describedby={explanationId}
        aria-busy={busy}
        disabled={busy}
        onClick={() => void press()}
      >
        {busy ? busyLabel : label}
      </button>
      <div role="status" aria-live="polite">
        {outcome.kind === "done" ? <p className="notice">{outcome.message}</p> : null}
      </div>
      {outcome.kind === "failed" ? (
        <div className="form-alert" role="alert">
          {outcome.message}
        </div>
      ) : null}
    </section>
  );
}
