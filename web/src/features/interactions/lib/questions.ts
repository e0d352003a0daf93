/** How the Q&A list is ordered and grouped. Pure, so the order is tested on its own. */
import type { Question } from "../../../api/types";

/** Most votes first; among equals, the one asked first (the log's order breaks ties of time). */
export function byVotesThenAge(a: Question, b: Question): number {
  return b.upvotes - a.upvotes || a.created_at.localeCompare(b.created_at) || a.seq - b.seq;
}

export interface QuestionGroups {
  open: Question[];
  answered: Question[];
  /** Staff only: students never see dismissed questions. */
  dismissed: Question[];
}

export function groupQuestions(questions: readonly Question[], staff: boolean): QuestionGroups {
  const sorted = [...questions].sort(byVotesThenAge);
  return {
    open: sorted.filter((question) => question.status === "open"),
    answered: sorted.filter((question) => question.status === "answered"),
    dismissed: staff ? sorted.filter((question) => question.status === "dismissed") : [],
  };
}

export function openQuestionCount(questions: readonly Question[]): number {
  return questions.filter((question) => question.status === "open").length;
}

/** Who asked, as this viewer may know it: staff see an anonymous asker's name, students never do. */
export function authorLabel(question: Question, own: boolean, staff: boolean): string {
  if (own) return question.anonymous ? "You (anonymously)" : "You";
  if (question.anonymous) {
    return staff && question.author_name ? `${question.author_name} (anonymous to students)` : "Anonymous";
  }
  return question.author_name ?? "Someone";
}
