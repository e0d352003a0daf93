/** A fake clock for tests only: time moves when the test says, and timers fire in order. */
import type { FeedClock, TimerId } from "../feed-io";

interface Timer {
  id: number;
  at: number;
  run: () => void;
}

export class FakeClock implements FeedClock {
  private time: number;
  private nextId = 1;
  private timers: Timer[] = [];

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): TimerId {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), run };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(id: TimerId): void {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  }

  /** Timers still waiting, with how long until each fires. */
  get pending(): number[] {
    return this.timers.map((timer) => timer.at - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward, firing each due timer at its own moment, earliest first. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.run();
    }
    this.time = end;
  }
}
