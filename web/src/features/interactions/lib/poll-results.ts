/** A poll's results as bars: counts, shares and the right answers. Pure. */
import type { Poll } from "../../../api/types";

export interface OptionResult {
  id: string;
  text: string;
  count: number;
  /** Whole percent of the votes (0 when nobody has voted). */
  percent: number;
  /** A quiz's right answer, once it is known to this viewer. */
  correct: boolean;
  /** Among the viewer's own choices. */
  mine: boolean;
}

export function pollResults(poll: Poll): OptionResult[] {
  const counts = poll.counts ?? {};
  const votes = Object.values(counts).reduce((sum, count) => sum + count, 0);
  // Multiple-choice votes name several options: shares are of the people who voted.
  const people = poll.total_votes ?? votes;
  const base = poll.kind === "multiple" ? people : votes;
  return poll.options.map((option) => {
    const count = counts[option.id] ?? 0;
    return {
      id: option.id,
      text: option.text,
      count,
      percent: base > 0 ? Math.round((count / base) * 100) : 0,
      correct: poll.correct_option_ids?.includes(option.id) ?? false,
      mine: poll.my_vote?.includes(option.id) ?? false,
    };
  });
}

/** People who voted (total_votes), or the sum of the counts when the api sent no total. */
export function votesCast(poll: Poll): number {
  return poll.total_votes ?? Object.values(poll.counts ?? {}).reduce((sum, count) => sum + count, 0);
}

export function pollKindLabel(kind: Poll["kind"]): string {
  return kind === "single" ? "Single choice" : kind === "multiple" ? "Multiple choice" : "Quiz";
}
