/**
 * The class at a moment of its recording: which questions had been asked and answered,
 * which polls were open or closed, and the highlights that point into it. Pure.
 */
import type { Highlight, Poll, PollKind, ReplayPoll, ReplayQuestion } from "../../../api/types";
import { formatMediaTime } from "./format-media-time";

export interface QuestionAtMoment {
  question: ReplayQuestion;
  /** Its answer had been given by then. */
  answered: boolean;
}

/**
 * The first `asked` questions (in the order asked), as they stood at `t`: the most upvoted
 * first, as the class's own Q&A listed them; answers only once given.
 */
export function questionsAt(questions: readonly ReplayQuestion[], asked: number, t: number): QuestionAtMoment[] {
  return questions
    .slice(0, asked)
    .map((question) => ({ question, answered: question.answered_ms !== null && question.answered_ms <= t }))
    .sort((a, b) => b.question.upvotes - a.question.upvotes);
}

export type PollState = "not-yet" | "open" | "closed";

export function pollStateAt(poll: Pick<ReplayPoll, "opened_ms" | "closed_ms">, t: number): PollState {
  if (t < poll.opened_ms) return "not-yet";
  return poll.closed_ms !== null && poll.closed_ms <= t ? "closed" : "open";
}

const POLL_KINDS: readonly string[] = ["single", "multiple", "quiz"];

/** A replayed poll as the live poll components read it (results, after it closed). */
export function asPoll(poll: ReplayPoll): Poll {
  return {
    id: poll.id,
    question: poll.question,
    kind: (POLL_KINDS.includes(poll.kind) ? poll.kind : "single") as PollKind,
    options: poll.options.map((option) => ({ id: option.id ?? "", text: option.text ?? "" })),
    status: "closed",
    counts: poll.counts,
    total_votes: poll.total_votes,
    correct_option_ids: poll.correct_option_ids,
    my_vote: null,
    anonymous: true,
    results_visible: poll.counts !== null,
    opened_at: null,
    closed_at: null,
  };
}

export interface HighlightView {
  /** The kind in words: "Question", "Poll results"… */
  label: string;
  title: string;
  /** More about it: votes and where it was answered, the poll's leading answer. */
  detail: string | null;
  /** Where a question was answered, to jump there too. */
  answeredMs: number | null;
}

const KINDS: Record<string, { label: string }> = {
  question: { label: "Question" },
  poll: { label: "Poll results" },
  reaction_peak: { label: "Reactions peaked" },
  chat_peak: { label: "Busy chat" },
  stage: { label: "On stage" },
  manual: { label: "Highlight" },
};

export function describeHighlight(
  highlight: Highlight,
  questions: ReadonlyMap<string, ReplayQuestion>,
  polls: ReadonlyMap<string, ReplayPoll>,
): HighlightView {
  const kind = KINDS[highlight.kind] ?? { label: "Moment" };
  const view: HighlightView = { ...kind, title: highlight.title, detail: null, answeredMs: null };
  const question = highlight.ref_id ? questions.get(highlight.ref_id) : undefined;
  if (highlight.kind === "question" && question) {
    const votes = `${question.upvotes} ${question.upvotes === 1 ? "vote" : "votes"}`;
    view.answeredMs = question.answered_ms;
    view.detail =
      question.answered_ms !== null ? `${votes} · answered at ${formatMediaTime(question.answered_ms)}` : `${votes} · not answered`;
  }
  const poll = highlight.ref_id ? polls.get(highlight.ref_id) : undefined;
  if (highlight.kind === "poll" && poll) view.detail = pollTurnout(poll);
  return view;
}

/** `2 votes`, or that the class never saw the results. */
export function pollTurnout(poll: ReplayPoll): string {
  if (poll.counts === null) return "results not shown";
  const total = poll.total_votes ?? Object.values(poll.counts).reduce((sum, count) => sum + count, 0);
  return `${total} ${total === 1 ? "vote" : "votes"}`;
}

/** Lookups by id, built once per manifest. */
export function byId<T extends { id: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}
