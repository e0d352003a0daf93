import { useId } from "react";
import { formatSeconds } from "../lib/chat-composer";

const SLOW_MODE_CHOICES: readonly { seconds: number; label: string }[] = [
  { seconds: 0, label: "Off" },
  { seconds: 5, label: "5 s" },
  { seconds: 10, label: "10 s" },
  { seconds: 30, label: "30 s" },
  { seconds: 60, label: "1 min" },
  { seconds: 120, label: "2 min" },
];

/** Staff: the least time between two messages of a participant (0: off). */
export function SlowModeControl({
  seconds,
  busy,
  onChange,
}: {
  seconds: number;
  busy: boolean;
  onChange(seconds: number): void;
}) {
  const id = useId();
  const known = SLOW_MODE_CHOICES.some((choice) => choice.seconds === seconds);
  return (
    <div className="chat__moderation">
      <label htmlFor={id}>Slow mode</label>
      <select
        id={id}
        className="input select chat__slow-mode"
        value={String(seconds)}
        disabled={busy}
        onChange={(event) => onChange(Number(event.target.value))}
      >
        {known ? null : <option value={String(seconds)}>{formatSeconds(seconds)}</option>}
        {SLOW_MODE_CHOICES.map((choice) => (
          <option key={choice.seconds} value={String(choice.seconds)}>
            {choice.label}
          </option>
        ))}
      </select>
      {seconds > 0 ? <span className="badge badge--muted">On · {formatSeconds(seconds)}</span> : null}
    </div>
  );
}
