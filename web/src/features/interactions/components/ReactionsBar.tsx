import { useEffect, useRef, useState } from "react";
import { describeProblem, toProblemError } from "../../../api/problem";
import type { ReactionEmoji } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import type { ReactionBurst } from "../../../events/interactions";
import { react } from "../lib/interactions-api";
import { type Float, REACTIONS, describeBurst, floatsFor } from "../lib/reactions";
import { ReactionIcon } from "./ReactionIcon";

/** How long a float lives: its CSS animation's length, plus the longest delay. */
const FLOAT_MS = 3_000;

interface ReactionsBarProps {
  sessionId: string;
  /** The latest `reactions.burst` from the feed. */
  burst: ReactionBurst | null;
  /** Show the buttons (students); without them the bar only shows the class's reactions. */
  canReact?: boolean;
}

/** Thumbs up, heart, laughing, surprised, applause, question, celebrate (bundled SVG icons) — taps are counted by the api and come back to everyone as bursts that float up. */
export function ReactionsBar({ sessionId, burst, canReact = true }: ReactionsBarProps) {
  const api = useApi();
  const [floats, setFloats] = useState<Float[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const timers = useRef(new Set<number>());
  const burstRef = useRef(burst);
  burstRef.current = burst;
  const seq = burst?.seq ?? null;

  // One burst plays once (keyed by its seq); each removes its own floats when they are done.
  useEffect(() => {
    const current = burstRef.current;
    if (current === null) return;
    const added = floatsFor(current.seq, current.counts);
    setFloats((shown) => [...shown, ...added]);
    const keys = new Set(added.map((float) => float.key));
    const timer = window.setTimeout(() => {
      timers.current.delete(timer);
      setFloats((shown) => shown.filter((float) => !keys.has(float.key)));
    }, FLOAT_MS);
    timers.current.add(timer);
  }, [seq]);

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending) window.clearTimeout(timer);
    };
  }, []);

  useEffect(() => {
    if (notice === null) return;
    const timer = window.setTimeout(() => setNotice(null), 4_000);
    return () => window.clearTimeout(timer);
  }, [notice]);

  async function send(emoji: ReactionEmoji) {
    try {
      await react(api, sessionId, emoji);
    } catch (error) {
      const problem = toProblemError(error);
      setNotice(problem.status === 429 ? "Lots of reactions at once: try again in a moment." : describeProblem(problem.problem));
    }
  }

  return (
    <section className={canReact ? "reactions" : "reactions reactions--watch"} aria-label="Reactions">
      <div className="reactions__floats" aria-hidden="true">
        {floats.map((float) => (
          <span
            key={float.key}
            className="reactions__float"
            style={{ left: `${float.left}%`, animationDelay: `${float.delay}ms` }}
          >
            <ReactionIcon emoji={float.emoji} />
          </span>
        ))}
      </div>
      {canReact ? (
        <div className="reactions__buttons" role="group" aria-label="React">
          {REACTIONS.map(({ emoji, name }) => (
            <button
              key={emoji}
              type="button"
              className="reactions__button"
              aria-label={`React: ${name}`}
              title={name}
              onClick={() => void send(emoji)}
            >
              <ReactionIcon emoji={emoji} />
            </button>
          ))}
        </div>
      ) : (
        <p className="muted small reactions__caption">
          {burst ? `Latest reactions: ${describeBurst(burst.counts)}` : "Students' reactions float up here."}
        </p>
      )}
      {notice ? (
        <p className="reactions__notice small" role="status">
          {notice}
        </p>
      ) : null}
    </section>
  );
}
