import { describe, expect, it } from "vitest";
import { courseSearchPath, replayPath } from "./replay-paths";

describe("replayPath", () => {
  it("links to a replay, at a moment in whole seconds, with a search", () => {
    expect(replayPath("s1")).toBe("/sessions/s1/replay");
    expect(replayPath("s1", { atMs: 90_999 })).toBe("/sessions/s1/replay?t=90");
    expect(replayPath("s1", { atMs: 0 })).toBe("/sessions/s1/replay?t=0");
    expect(replayPath("s1", { atMs: 12_000, query: "light & dark" })).toBe("/sessions/s1/replay?t=12&q=light+%26+dark");
    expect(replayPath("a/b")).toBe("/sessions/a%2Fb/replay");
  });
});

describe("courseSearchPath", () => {
  it("links to a course's search", () => {
    expect(courseSearchPath("c1")).toBe("/courses/c1/search");
    expect(courseSearchPath("c1", "ATP synthase")).toBe("/courses/c1/search?q=ATP+synthase");
  });
});
