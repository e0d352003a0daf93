/** Where playback starts and how fast it runs. Pure. */

export const SPEEDS: readonly number[] = [0.75, 1, 1.25, 1.5, 1.75, 2];

/** The next speed up, or the fastest; from a speed off the list, the first one above it. */
export function fasterSpeed(rate: number): number {
  return SPEEDS.find((speed) => speed > rate + 1e-9) ?? (SPEEDS.at(-1) as number);
}

/** The next speed down, or the slowest. */
export function slowerSpeed(rate: number): number {
  return [...SPEEDS].reverse().find((speed) => speed < rate - 1e-9) ?? (SPEEDS[0] as number);
}

/** `1.25×`. */
export function speedLabel(rate: number): string {
  return `${Number(rate.toFixed(2))}×`;
}

/**
 * `?t=` as seconds: `90`, `90.5`, `1:30`, `1:02:03`, or `1h2m3s`/`2m`/`45s`. Null when it
 * is missing or says nothing sensible (a link is never an error).
 */
export function parseStartParam(value: string | null): number | null {
  if (value === null) return null;
  const text = value.trim().toLowerCase();
  if (text === "") return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(text);
  if (clock) return Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  const units = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (units && (units[1] ?? units[2] ?? units[3]) !== undefined) {
    return Number(units[1] ?? 0) * 3600 + Number(units[2] ?? 0) * 60 + Number(units[3] ?? 0);
  }
  return null;
}

/** A saved place this close to the end starts again from the beginning: the class was watched. */
export const WATCHED_MARGIN_MS = 10_000;

/**
 * Where to start, in seconds: the link's `?t=` wins; else the viewer's saved place (unless
 * it is at the very end); else the beginning. Kept inside the recording when its length is known.
 */
export function startSeconds(options: { linkSeconds: number | null; positionMs: number | null; durationMs: number | null }): number {
  const { linkSeconds, positionMs, durationMs } = options;
  const duration = durationMs !== null && durationMs > 0 ? durationMs / 1000 : null;
  if (linkSeconds !== null) return clampSeconds(linkSeconds, duration);
  if (positionMs === null || positionMs <= 0) return 0;
  if (durationMs !== null && durationMs > 0 && positionMs >= durationMs - WATCHED_MARGIN_MS) return 0;
  return clampSeconds(positionMs / 1000, duration);
}

/** `seconds` inside [0, duration] (duration unknown: only ≥ 0). */
export function clampSeconds(seconds: number, duration: number | null): number {
  if (!Number.isFinite(seconds) || seconds < 0) return 0;
  return duration !== null && seconds > duration ? duration : seconds;
}
