/** Ready-made replay wire objects for tests (only tests import this module). */
import { SESSION_ID } from "../../../api/testing/fixtures";
import { DECK_ID } from "../../studio/testing/fixtures";
import type {
  Chapter,
  CourseSearchHit,
  Highlight,
  Replay,
  ReplayChatMessage,
  ReplayPoll,
  ReplayProgress,
  ReplayQuestion,
  ScreenSpan,
  SearchHit,
  TranscriptSegment,
} from "../../../api/types";

export { DECK_ID } from "../../studio/testing/fixtures";

const base = `/api/v1/sessions/${SESSION_ID}/replay`;

export function aReplay(overrides: Partial<Replay> = {}): Replay {
  return {
    session_id: SESSION_ID,
    status: "ready",
    reason: null,
    duration_ms: 600_000,
    media: { url: "https://storage.test/recording.wav?signature=1", mime: "audio/wav", expires_in_seconds: 300 },
    chapters: [],
    highlights: [],
    summary: null,
    links: {
      transcript: `${base}/transcript`,
      transcript_text: `${base}/transcript.txt`,
      captions: `${base}/captions.vtt`,
      search: `${base}/search`,
      chat: `${base}/chat`,
      position: `${base}/position`,
    },
    recording_status: "ready",
    recording_error: null,
    slides: [],
    questions: [],
    polls: [],
    progress: null,
    position_ms: null,
    ...overrides,
  };
}

export function aProgress(overrides: Partial<ReplayProgress> = {}): ReplayProgress {
  return {
    run_id: "7e570000-0000-4000-8000-000000000001",
    status: "running",
    step: "transcribe",
    steps: [
      { name: "extract", status: "succeeded", error: null },
      { name: "transcribe", status: "running", error: null },
      { name: "align", status: "pending", error: null },
      { name: "derive", status: "pending", error: null },
    ],
    chunks_total: 10,
    chunks_done: 3,
    error: null,
    ...overrides,
  };
}

export function aChapter(overrides: Partial<Chapter> = {}): Chapter {
  return {
    idx: 0,
    start_ms: 0,
    end_ms: 60_000,
    title: "Light reactions",
    source: "slide",
    slide_asset_id: DECK_ID,
    slide_page: 1,
    thumbnail_url: null,
    ...overrides,
  };
}

export function aScreenSpan(overrides: Partial<ScreenSpan> = {}): ScreenSpan {
  return { start_ms: 0, end_ms: 60_000, asset_id: DECK_ID, page_no: 1, layout: "slides", ...overrides };
}

export function aReplayQuestion(overrides: Partial<ReplayQuestion> = {}): ReplayQuestion {
  return {
    id: "question-1",
    body: "Why is ATP needed?",
    author_name: "Grace Hopper",
    asked_ms: 30_000,
    upvotes: 2,
    answered_ms: null,
    answer_text: null,
    ...overrides,
  };
}

export function aReplayPoll(overrides: Partial<ReplayPoll> = {}): ReplayPoll {
  return {
    id: "poll-1",
    question: "Which stage makes glucose?",
    kind: "single",
    options: [
      { id: "o1", text: "Calvin cycle" },
      { id: "o2", text: "Light reactions" },
    ],
    opened_ms: 40_000,
    closed_ms: 80_000,
    counts: { o1: 3, o2: 1 },
    total_votes: 4,
    correct_option_ids: null,
    ...overrides,
  };
}

export function aHighlight(overrides: Partial<Highlight> = {}): Highlight {
  return {
    id: "highlight-1",
    kind: "question",
    start_ms: 30_000,
    end_ms: 45_000,
    title: "Why is ATP needed?",
    score: 2,
    ref_id: "question-1",
    ...overrides,
  };
}

export function aSegment(overrides: Partial<TranscriptSegment> = {}): TranscriptSegment {
  return { idx: 0, start_ms: 0, end_ms: 4_000, text: "Good morning, everyone.", confidence: 0.9, ...overrides };
}

/** `count` consecutive segments of `lengthMs` each, starting at `fromIdx`. */
export function segments(count: number, fromIdx = 0, lengthMs = 4_000): TranscriptSegment[] {
  return Array.from({ length: count }, (_, i) => {
    const idx = fromIdx + i;
    return aSegment({ idx, start_ms: idx * lengthMs, end_ms: (idx + 1) * lengthMs, text: `Sentence number ${idx}.` });
  });
}

export function aChatMessage(overrides: Partial<ReplayChatMessage> = {}): ReplayChatMessage {
  return {
    id: "message-1",
    at_ms: 20_000,
    author_name: "Grace Hopper",
    body: "Is the exam open book?",
    reply_to_id: null,
    pinned: false,
    ...overrides,
  };
}

export function aSearchHit(overrides: Partial<SearchHit> = {}): SearchHit {
  return {
    kind: "transcript",
    idx: 3,
    ref_id: null,
    start_ms: 12_000,
    end_ms: 16_000,
    snippet: "the «chlorophyll» absorbs light",
    rank: 0.5,
    ...overrides,
  };
}

export function aCourseSearchHit(overrides: Partial<CourseSearchHit> = {}): CourseSearchHit {
  return {
    ...aSearchHit(),
    session_id: SESSION_ID,
    session_title: "Photosynthesis — Week 3",
    session_started_at: "2026-11-25T10:00:00Z",
    ...overrides,
  };
}
