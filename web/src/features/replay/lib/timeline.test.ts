import { describe, expect, it } from "vitest";
import { aChapter, aReplay, aReplayPoll, aReplayQuestion, aScreenSpan } from "../testing/fixtures";
import {
  answersGivenBy,
  buildTimeline,
  chapterIndexAt,
  countAtOrBefore,
  inTimeOrder,
  lastAtOrBefore,
  messagesPostedBy,
  pollsClosedBy,
  pollsOpenedBy,
  questionsAskedBy,
  segmentIndexAt,
  slideIndexAt,
  spanAt,
  timesOf,
} from "./timeline";

const times = (...values: number[]) => Float64Array.from(values);

describe("lastAtOrBefore", () => {
  const starts = times(0, 4_000, 9_500, 12_000);

  it("finds the last time at or before t", () => {
    expect(lastAtOrBefore(starts, 5_000)).toBe(1);
    expect(lastAtOrBefore(starts, 11_999)).toBe(2);
  });

  it("gives a boundary to what starts there", () => {
    expect(lastAtOrBefore(starts, 0)).toBe(0);
    expect(lastAtOrBefore(starts, 4_000)).toBe(1);
    expect(lastAtOrBefore(starts, 12_000)).toBe(3);
  });

  it("is -1 before the first and the last one after the end", () => {
    expect(lastAtOrBefore(times(1_000, 2_000), 999)).toBe(-1);
    expect(lastAtOrBefore(times(1_000, 2_000), -5)).toBe(-1);
    expect(lastAtOrBefore(starts, 10_000_000)).toBe(3);
  });

  it("is -1 for an empty list", () => {
    expect(lastAtOrBefore(times(), 0)).toBe(-1);
    expect(countAtOrBefore(times(), 100)).toBe(0);
  });

  it("counts equal times together (messages posted in the same millisecond)", () => {
    const posted = times(1_000, 2_000, 2_000, 2_000, 3_000);
    expect(countAtOrBefore(posted, 1_999)).toBe(1);
    expect(countAtOrBefore(posted, 2_000)).toBe(4);
    expect(lastAtOrBefore(posted, 2_500)).toBe(3);
  });

  it("agrees with a scan on a long list", () => {
    const long = Float64Array.from({ length: 1_500 }, (_, i) => i * 3_600 + (i % 7));
    for (const t of [-1, 0, 1, 3_599, 3_600, 3_601, 2_700_000, 5_400_000, 6_000_000]) {
      let expected = -1;
      long.forEach((time, i) => {
        if (time <= t) expected = i;
      });
      expect(lastAtOrBefore(long, t)).toBe(expected);
    }
  });
});

describe("spanAt", () => {
  // 0–10 s, a gap, 15–20 s, 20–30 s.
  const starts = times(0, 15_000, 20_000);
  const ends = times(10_000, 20_000, 30_000);

  it("finds the span containing t, ends included", () => {
    expect(spanAt(starts, ends, 5_000)).toBe(0);
    expect(spanAt(starts, ends, 10_000)).toBe(0);
    expect(spanAt(starts, ends, 30_000)).toBe(2);
  });

  it("gives a shared boundary to the span that starts there", () => {
    expect(spanAt(starts, ends, 20_000)).toBe(2);
  });

  it("is -1 in a gap, after the end, before the first and when empty", () => {
    expect(spanAt(starts, ends, 12_000)).toBe(-1);
    expect(spanAt(starts, ends, 30_001)).toBe(-1);
    expect(spanAt(times(1_000), times(2_000), 500)).toBe(-1);
    expect(spanAt(times(), times(), 0)).toBe(-1);
  });
});

describe("inTimeOrder and timesOf", () => {
  it("keeps a list already in order as it is and sorts one that is not, stably", () => {
    const ordered = [{ at: 1 }, { at: 2 }];
    expect(inTimeOrder(ordered, (item) => item.at)).toBe(ordered);
    const shuffled = [
      { at: 3, name: "c" },
      { at: 1, name: "a" },
      { at: 3, name: "d" },
      { at: 2, name: "b" },
    ];
    expect(inTimeOrder(shuffled, (item) => item.at).map((item) => item.name)).toEqual(["a", "b", "c", "d"]);
  });

  it("indexes the times", () => {
    expect(Array.from(timesOf([{ at: 5 }, { at: 9 }], (item) => item.at))).toEqual([5, 9]);
  });
});

describe("buildTimeline", () => {
  const timeline = buildTimeline(
    aReplay({
      slides: [
        aScreenSpan({ start_ms: 0, end_ms: 60_000, page_no: 1 }),
        aScreenSpan({ start_ms: 60_000, end_ms: 90_000, page_no: null, asset_id: null, layout: "camera" }),
        aScreenSpan({ start_ms: 90_000, end_ms: 120_000, page_no: 2 }),
      ],
      chapters: [
        aChapter({ idx: 0, start_ms: 5_000, end_ms: 60_000 }),
        aChapter({ idx: 1, start_ms: 60_000, end_ms: 120_000 }),
      ],
      questions: [
        aReplayQuestion({ id: "q2", asked_ms: 70_000, answered_ms: null }),
        aReplayQuestion({ id: "q1", asked_ms: 30_000, answered_ms: 100_000 }),
      ],
      polls: [aReplayPoll({ id: "p1", opened_ms: 40_000, closed_ms: 80_000 })],
      duration_ms: 120_000,
    }),
  );

  it("says what was on screen: a slide, a scene without one, the last one at the very end", () => {
    expect(slideIndexAt(timeline, 0)).toBe(0);
    expect(slideIndexAt(timeline, 59_999)).toBe(0);
    expect(slideIndexAt(timeline, 60_000)).toBe(1);
    expect(timeline.slides[slideIndexAt(timeline, 75_000)]?.asset_id).toBeNull();
    expect(slideIndexAt(timeline, 120_000)).toBe(2);
    expect(slideIndexAt(timeline, 120_001)).toBe(-1);
  });

  it("finds the chapter: none before the first, the last after the end", () => {
    expect(chapterIndexAt(timeline, 4_999)).toBe(-1);
    expect(chapterIndexAt(timeline, 5_000)).toBe(0);
    expect(chapterIndexAt(timeline, 60_000)).toBe(1);
    expect(chapterIndexAt(timeline, 500_000)).toBe(1);
  });

  it("puts questions in the order asked, and counts answers given by then", () => {
    expect(timeline.questions.map((question) => question.id)).toEqual(["q1", "q2"]);
    expect(questionsAskedBy(timeline, 29_999)).toBe(0);
    expect(questionsAskedBy(timeline, 30_000)).toBe(1);
    expect(questionsAskedBy(timeline, 70_000)).toBe(2);
    expect(answersGivenBy(timeline, 99_999)).toBe(0);
    expect(answersGivenBy(timeline, 100_000)).toBe(1);
  });

  it("counts polls opened and closed by then", () => {
    expect(pollsOpenedBy(timeline, 39_999)).toBe(0);
    expect(pollsOpenedBy(timeline, 40_000)).toBe(1);
    expect(pollsClosedBy(timeline, 79_999)).toBe(0);
    expect(pollsClosedBy(timeline, 80_000)).toBe(1);
  });

  it("is empty for a replay with nothing on its clock yet", () => {
    const empty = buildTimeline(aReplay({ slides: [], chapters: [], questions: [], polls: [] }));
    expect(slideIndexAt(empty, 0)).toBe(-1);
    expect(chapterIndexAt(empty, 0)).toBe(-1);
    expect(questionsAskedBy(empty, 1e9)).toBe(0);
    expect(pollsOpenedBy(empty, 1e9)).toBe(0);
  });
});

describe("segments and chat at a time", () => {
  const segmentStarts = times(2_000, 6_000, 9_000);
  const chatTimes = times(0, 0, 45_000, 45_000, 90_000);

  it("marks the last segment started, through the silence after it", () => {
    expect(segmentIndexAt(segmentStarts, 1_999)).toBe(-1);
    expect(segmentIndexAt(segmentStarts, 2_000)).toBe(0);
    expect(segmentIndexAt(segmentStarts, 8_999)).toBe(1);
    expect(segmentIndexAt(segmentStarts, 9_000)).toBe(2);
    expect(segmentIndexAt(segmentStarts, 3_600_000)).toBe(2);
    expect(segmentIndexAt(times(), 10)).toBe(-1);
  });

  it("shows the chat posted by then, before-the-recording messages from the start", () => {
    expect(messagesPostedBy(chatTimes, 0)).toBe(2);
    expect(messagesPostedBy(chatTimes, 44_999)).toBe(2);
    expect(messagesPostedBy(chatTimes, 45_000)).toBe(4);
    expect(messagesPostedBy(chatTimes, 1e9)).toBe(5);
  });
});
