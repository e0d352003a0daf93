import { describe, expect, it } from "vitest";
import { Playhead } from "./playhead";

describe("Playhead", () => {
  it("tells listeners when the time changes, and only then", () => {
    const playhead = new Playhead(5_000);
    const heard: number[] = [];
    const stop = playhead.subscribe(() => heard.push(playhead.get()));
    playhead.set(5_000);
    playhead.set(6_000);
    playhead.set(-3);
    stop();
    playhead.set(9_000);
    expect(heard).toEqual([6_000, 0]);
    expect(playhead.get()).toBe(9_000);
  });
});
