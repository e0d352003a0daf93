/** Ready-made chat messages, questions and polls for tests. */
import type { ChatMessage, Poll, Question } from "../../../api/types";

const at = (second: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, second)).toISOString();

export function aChatMessage(seq: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `message-${seq}`,
    seq,
    author_id: "user-grace",
    author_name: "Grace Hopper",
    body: `Message ${seq}`,
    reply_to_id: null,
    created_at: at(seq),
    deleted: false,
    pinned: false,
    ...overrides,
  };
}

export function aQuestion(seq: number, overrides: Partial<Question> = {}): Question {
  return {
    id: `question-${seq}`,
    seq,
    body: `Why ${seq}?`,
    anonymous: false,
    author_id: "user-grace",
    author_name: "Grace Hopper",
    status: "open",
    upvotes: 0,
    voted: false,
    answer_text: null,
    answered_at: null,
    created_at: at(seq),
    ...overrides,
  };
}

export function aPoll(overrides: Partial<Poll> = {}): Poll {
  return {
    id: "poll-1",
    question: "Which stage makes glucose?",
    kind: "single",
    options: [
      { id: "a", text: "Calvin cycle" },
      { id: "b", text: "Light reactions" },
    ],
    anonymous: false,
    status: "open",
    results_visible: false,
    opened_at: "2026-11-25T10:05:00Z",
    closed_at: null,
    correct_option_ids: null,
    counts: null,
    total_votes: null,
    my_vote: null,
    ...overrides,
  };
}
