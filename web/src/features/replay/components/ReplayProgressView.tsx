import { Check, Circle, CircleDot, type LucideIcon, X } from "lucide-react";
import type { ReplayProgress } from "../../../api/types";
import { Icon } from "../../../shared/icons/Icon";
import { progressFraction, progressLabel, stepLabel } from "../lib/replay-state";

const STEP_MARKS: Record<string, { mark: LucideIcon; words: string }> = {
  succeeded: { mark: Check, words: "done" },
  skipped: { mark: Check, words: "not needed" },
  running: { mark: CircleDot, words: "in progress" },
  failed: { mark: X, words: "failed" },
  pending: { mark: Circle, words: "to do" },
};

/** How far the pipeline has got: a bar, the current step ("Transcribing 3/10"), and each step. */
export function ReplayProgressView({ progress, compact = false }: { progress: ReplayProgress | null; compact?: boolean }) {
  const label = progressLabel(progress) ?? "Waiting to start";
  return (
    <div className="replay-progress">
      <p className="replay-progress__label">{label}</p>
      <progress className="replay-progress__bar" max={1} value={progressFraction(progress)} aria-label={`Making the replay: ${label}`} />
      {!compact && progress !== null && progress.steps.length > 0 ? (
        <ol className="replay-progress__steps">
          {progress.steps.map((step) => {
            const mark = STEP_MARKS[step.status] ?? { mark: Circle, words: step.status };
            return (
              <li key={step.name} className={`replay-progress__step replay-progress__step--${step.status}`}>
                <Icon glyph={mark.mark} /> {stepLabel(step.name)}
                <span className="visually-hidden"> ({mark.words})</span>
              </li>
            );
          })}
        </ol>
      ) : null}
    </div>
  );
}
