/** The host's poll form: its draft, the checks before sending, and the request it becomes. */
import type { PollCreate, PollKind } from "../../../api/types";

export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;
export const MAX_QUESTION = 300;
export const MAX_OPTION = 200;

export interface PollDraft {
  question: string;
  kind: PollKind;
  options: string[];
  /** Indexes into `options` of the right answers (quiz only). */
  correct: number[];
  anonymous: boolean;
}

export type PollDraftField = "question" | "options" | "correct";

export function emptyPollDraft(): PollDraft {
  return { question: "", kind: "single", options: ["", ""], correct: [], anonymous: false };
}

/** Messages per field; empty when the draft can be sent. */
export function validatePollDraft(draft: PollDraft): Partial<Record<PollDraftField, string>> {
  const errors: Partial<Record<PollDraftField, string>> = {};
  const question = draft.question.trim();
  if (question === "") errors.question = "Write the question students will answer.";
  else if (question.length > MAX_QUESTION) errors.question = `Keep the question under ${MAX_QUESTION} characters.`;
  const options = draft.options.map((option) => option.trim());
  if (options.some((option) => option === "")) errors.options = "Fill in every option, or remove the empty ones.";
  else if (options.length < MIN_OPTIONS) errors.options = `A poll needs at least ${MIN_OPTIONS} options.`;
  else if (options.length > MAX_OPTIONS) errors.options = `A poll has at most ${MAX_OPTIONS} options.`;
  else if (options.some((option) => option.length > MAX_OPTION)) errors.options = `Keep each option under ${MAX_OPTION} characters.`;
  else if (new Set(options.map((option) => option.toLowerCase())).size !== options.length) {
    errors.options = "Two options say the same thing.";
  }
  if (draft.kind === "quiz" && correctIndexes(draft).length === 0) errors.correct = "Mark the right answer.";
  return errors;
}

export function toPollCreate(draft: PollDraft): PollCreate {
  return {
    question: draft.question.trim(),
    kind: draft.kind,
    options: draft.options.map((option) => option.trim()),
    ...(draft.kind === "quiz" ? { correct_option_indexes: correctIndexes(draft) } : {}),
    anonymous: draft.anonymous,
  };
}

/** Removes an option and keeps the right answers pointing at the same texts. */
export function removeOption(draft: PollDraft, index: number): PollDraft {
  if (draft.options.length <= MIN_OPTIONS) return draft;
  return {
    ...draft,
    options: draft.options.filter((_, at) => at !== index),
    correct: draft.correct.filter((at) => at !== index).map((at) => (at > index ? at - 1 : at)),
  };
}

export function addOption(draft: PollDraft): PollDraft {
  if (draft.options.length >= MAX_OPTIONS) return draft;
  return { ...draft, options: [...draft.options, ""] };
}

export function toggleCorrect(draft: PollDraft, index: number): PollDraft {
  const correct = draft.correct.includes(index)
    ? draft.correct.filter((at) => at !== index)
    : [...draft.correct, index].sort((a, b) => a - b);
  return { ...draft, correct };
}

function correctIndexes(draft: PollDraft): number[] {
  return draft.correct.filter((index) => index >= 0 && index < draft.options.length);
}
