/**
 * Where the playhead is in each of the replay's lists, in O(log n) per `timeupdate`.
 *
 * Each list (transcript segments, what was on screen, chapters, chat, questions, polls) is
 * put on the recording's clock once, as an ascending array of times; following playback is
 * then a binary search in that array, never a scan of the list.
 *
 * ```
 * starts:    0      4 000     9 500     12 000          (ms)
 *            │ seg 0 │  seg 1  │  seg 2  │  seg 3 ...
 * t = 9 500 ──────────────────▲  lastAtOrBefore → 2 (a boundary belongs to what starts there)
 * ```
 */
import type { Chapter, Replay, ReplayPoll, ReplayQuestion, ScreenSpan } from "../../../api/types";

/** Times in ascending order (ms); built once per list. */
export type Times = Float64Array;

/** The times of `items` (already in time order) as a `Times` index. */
export function timesOf<T>(items: readonly T[], time: (item: T) => number): Times {
  const times = new Float64Array(items.length);
  for (let i = 0; i < items.length; i += 1) times[i] = time(items[i] as T);
  return times;
}

/** `items` in time order; stable, and the same array when it already is (the usual case). */
export function inTimeOrder<T>(items: readonly T[], time: (item: T) => number): readonly T[] {
  for (let i = 1; i < items.length; i += 1) {
    if (time(items[i] as T) < time(items[i - 1] as T)) {
      return [...items].sort((a, b) => time(a) - time(b));
    }
  }
  return items;
}

/** The index of the last time ≤ `t`, or -1 when `t` is before the first (or there are none). */
export function lastAtOrBefore(times: Times, t: number): number {
  let low = 0;
  let high = times.length;
  // Invariant: every index < low is ≤ t; every index ≥ high is > t.
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) <= t) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/** How many times are ≤ `t`: the length of the list's prefix that has happened by `t`. */
export function countAtOrBefore(times: Times, t: number): number {
  return lastAtOrBefore(times, t) + 1;
}

/**
 * The span containing `t` — the last one started by `t`, unless `t` is past its end (a gap,
 * or after the last) — or -1. Ends are inclusive, so the last moment of a recording still
 * shows its last span; a boundary shared by two spans belongs to the one that starts there.
 */
export function spanAt(starts: Times, ends: Times, t: number): number {
  const index = lastAtOrBefore(starts, t);
  if (index < 0) return -1;
  return t <= (ends[index] as number) ? index : -1;
}

/** The manifest's lists on the recording's clock, each with its index of times. */
export interface ReplayTimeline {
  slides: readonly ScreenSpan[];
  slideStarts: Times;
  slideEnds: Times;
  chapters: readonly Chapter[];
  chapterStarts: Times;
  /** In the order they were asked. */
  questions: readonly ReplayQuestion[];
  questionTimes: Times;
  /** When questions were answered, ascending (those never answered are left out). */
  answerTimes: Times;
  /** In the order they were opened. */
  polls: readonly ReplayPoll[];
  pollTimes: Times;
  /** When polls were closed, ascending. */
  pollCloseTimes: Times;
}

export function buildTimeline(replay: Pick<Replay, "slides" | "chapters" | "questions" | "polls">): ReplayTimeline {
  const slides = inTimeOrder(replay.slides, (span) => span.start_ms);
  const chapters = inTimeOrder(replay.chapters, (chapter) => chapter.start_ms);
  const questions = inTimeOrder(replay.questions, (question) => question.asked_ms);
  const polls = inTimeOrder(replay.polls, (poll) => poll.opened_ms);
  return {
    slides,
    slideStarts: timesOf(slides, (span) => span.start_ms),
    slideEnds: timesOf(slides, (span) => span.end_ms),
    chapters,
    chapterStarts: timesOf(chapters, (chapter) => chapter.start_ms),
    questions,
    questionTimes: timesOf(questions, (question) => question.asked_ms),
    answerTimes: sortedTimes(questions.map((question) => question.answered_ms)),
    polls,
    pollTimes: timesOf(polls, (poll) => poll.opened_ms),
    pollCloseTimes: sortedTimes(polls.map((poll) => poll.closed_ms)),
  };
}

function sortedTimes(times: readonly (number | null)[]): Times {
  return Float64Array.from(times.filter((time): time is number => time !== null)).sort();
}

/** The index of what was on screen at `t` (a span may be a scene without a slide), or -1. */
export function slideIndexAt(timeline: ReplayTimeline, t: number): number {
  return spanAt(timeline.slideStarts, timeline.slideEnds, t);
}

/** The chapter playing at `t` (the last one to have started; the last one after the end), or -1. */
export function chapterIndexAt(timeline: ReplayTimeline, t: number): number {
  return lastAtOrBefore(timeline.chapterStarts, t);
}

/** How many questions had been asked by `t`. */
export function questionsAskedBy(timeline: ReplayTimeline, t: number): number {
  return countAtOrBefore(timeline.questionTimes, t);
}

/** How many questions had their answer by `t`: the Q&A changes when this or the asked count does. */
export function answersGivenBy(timeline: ReplayTimeline, t: number): number {
  return countAtOrBefore(timeline.answerTimes, t);
}

/** How many polls had been closed by `t`. */
export function pollsClosedBy(timeline: ReplayTimeline, t: number): number {
  return countAtOrBefore(timeline.pollCloseTimes, t);
}

/** How many polls had been opened by `t`. */
export function pollsOpenedBy(timeline: ReplayTimeline, t: number): number {
  return countAtOrBefore(timeline.pollTimes, t);
}

/**
 * The transcript segment to mark at `t`: the last one to have started. It stays marked
 * through the silence after it, so following playback does not jump about; -1 before the first.
 */
export function segmentIndexAt(segmentStarts: Times, t: number): number {
  return lastAtOrBefore(segmentStarts, t);
}

/** How many chat messages had been posted by `t` (the chat is in posting order). */
export function messagesPostedBy(messageTimes: Times, t: number): number {
  return countAtOrBefore(messageTimes, t);
}
