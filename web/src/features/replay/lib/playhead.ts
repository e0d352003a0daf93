/**
 * Where playback is, outside React: the `<video>` writes it on every `timeupdate` (about
 * four times a second), and each panel reads only what it derives from it — the current
 * segment's index, the chat's length — so a tick re-renders only what actually changed.
 */
export class Playhead {
  private ms = 0;
  private readonly listeners = new Set<() => void>();

  constructor(startMs = 0) {
    this.ms = startMs;
  }

  /** Media time now (ms). */
  readonly get = (): number => this.ms;

  set(ms: number): void {
    const next = Number.isFinite(ms) ? Math.max(0, ms) : 0;
    if (next === this.ms) return;
    this.ms = next;
    for (const listener of [...this.listeners]) listener();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
}
