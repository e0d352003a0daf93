/**
 * What the chat's message box allows and says at a moment: pure, so the rules (length,
 * a refusal's wait running out, when Send is possible) are tested without rendering.
 */
import { type Refusal, secondsLeft } from "./chat-problems";

export const MAX_MESSAGE = 2000;

export interface ComposerInput {
  body: string;
  /** The api's last refusal of a send, if any. */
  refusal: Refusal | null;
  now: number;
  sending: boolean;
  /** The viewer may not chat (muted). */
  disabled: boolean;
}

export interface ComposerView {
  /** What would be sent. */
  trimmed: string;
  tooLong: boolean;
  /** Seconds left before sending can work again (slow mode, rate limit); 0 when none. */
  wait: number;
  /** The refusal's sentence, while it still applies: a wait that is over takes it with it. */
  refusalMessage: string | null;
  canSend: boolean;
  /** The button's words: "Send", "Sending…", "Wait 4 s". */
  sendLabel: string;
}

export function composerView({ body, refusal, now, sending, disabled }: ComposerInput): ComposerView {
  const trimmed = body.trim();
  const tooLong = trimmed.length > MAX_MESSAGE;
  const wait = refusal ? secondsLeft(refusal, now) : 0;
  const refusalMessage = refusal !== null && (refusal.retryAt === null || wait > 0) ? refusal.message : null;
  return {
    trimmed,
    tooLong,
    wait,
    refusalMessage,
    canSend: !disabled && !sending && wait === 0 && trimmed !== "" && !tooLong,
    sendLabel: sending ? "Sending…" : wait > 0 ? `Wait ${wait} s` : "Send",
  };
}

/** `90` → `1 min 30 s`: slow mode's interval. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
