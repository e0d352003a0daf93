import { X } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { type FormEvent, useId, useRef, useState } from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import { formErrorsFromProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { FormAlert } from "../../../shared/components/FormAlert";
import type { Poll, PollKind } from "../../../api/types";
import { createPoll } from "../lib/interactions-api";
import {
  MAX_OPTIONS,
  MIN_OPTIONS,
  type PollDraft,
  type PollDraftField,
  addOption,
  emptyPollDraft,
  removeOption,
  toPollCreate,
  toggleCorrect,
  validatePollDraft,
} from "../lib/poll-draft";

const KINDS: readonly { kind: PollKind; label: string }[] = [
  { kind: "single", label: "Single choice" },
  { kind: "multiple", label: "Multiple choice" },
  { kind: "quiz", label: "Quiz" },
];

const FIELDS: readonly PollDraftField[] = ["question", "options", "correct"];

interface PollDraftFormProps {
  sessionId: string;
  onCreated(poll: Poll): void;
  onCancel(): void;
}

/** The host's new poll: question, kind, 2–10 options (right answers for a quiz), anonymous votes. */
export function PollDraftForm({ sessionId, onCreated, onCancel }: PollDraftFormProps) {
  const api = useApi();
  const id = useId();
  const [draft, setDraft] = useState<PollDraft>(emptyPollDraft);
  const [errors, setErrors] = useState<Partial<Record<PollDraftField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const quiz = draft.kind === "quiz";

  async function save(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    const found = validatePollDraft(draft);
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    const request = toPollCreate(draft);
    setSaving(true);
    try {
      const poll = await createPoll(api, sessionId, request, keys.current.keyFor(request));
      keys.current.reset();
      onCreated(poll);
    } catch (error) {
      const problem = toProblemError(error);
      const mapped = formErrorsFromProblem(problem.problem, [...FIELDS, "correct_option_indexes"]);
      const { correct_option_indexes: correct, ...rest } = mapped.fields;
      setErrors({ ...rest, ...(correct ? { correct } : {}) });
      setFormError(mapped.form);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="poll-draft" onSubmit={save} aria-label="New poll" noValidate>
      <FormAlert>{formError}</FormAlert>
      <div className={errors.question ? "field field--invalid" : "field"}>
        <label className="field__label" htmlFor={`${id}-question`}>
          Question
        </label>
        <input
          id={`${id}-question`}
          className="input"
          value={draft.question}
          aria-invalid={Boolean(errors.question)}
          aria-describedby={errors.question ? `${id}-question-error` : undefined}
          onChange={(event) => setDraft({ ...draft, question: event.target.value })}
        />
        {errors.question ? (
          <p className="field__error" id={`${id}-question-error`}>
            {errors.question}
          </p>
        ) : null}
      </div>

      <fieldset className="fieldset">
        <legend className="field__label">Kind</legend>
        <div className="segmented">
          {KINDS.map(({ kind, label }) => (
            <label key={kind} className="segmented__option">
              <input
                type="radio"
                name={`${id}-kind`}
                value={kind}
                checked={draft.kind === kind}
                onChange={() => setDraft({ ...draft, kind })}
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="fieldset poll-draft__options" aria-describedby={`${id}-options-help`}>
        <legend className="field__label">Options</legend>
        <p id={`${id}-options-help`} className="field__hint">
          {MIN_OPTIONS} to {MAX_OPTIONS} options.{quiz ? " Tick the right answer." : ""}
        </p>
        <ol className="poll-draft__option-list">
          {draft.options.map((option, index) => (
            // While drafting, an option is its place in the list.
            <li key={index} className="poll-draft__option">
              <input
                className="input"
                aria-label={`Option ${index + 1}`}
                value={option}
                aria-invalid={Boolean(errors.options) && option.trim() === ""}
                onChange={(event) => {
                  const options = [...draft.options];
                  options[index] = event.target.value;
                  setDraft({ ...draft, options });
                }}
              />
              {quiz ? (
                <label className="checkbox poll-draft__correct">
                  <input
                    type="checkbox"
                    checked={draft.correct.includes(index)}
                    onChange={() => setDraft(toggleCorrect(draft, index))}
                  />
                  <span>
                    Right<span className="visually-hidden"> answer: option {index + 1}</span>
                  </span>
                </label>
              ) : null}
              <button
                type="button"
                className="button button--small"
                aria-label={`Remove option ${index + 1}`}
                title={`Remove option ${index + 1}`}
                disabled={draft.options.length <= MIN_OPTIONS}
                onClick={() => setDraft(removeOption(draft, index))}
              >
                <Icon glyph={X} />
              </button>
            </li>
          ))}
        </ol>
        {errors.options ? <p className="field__error">{errors.options}</p> : null}
        {errors.correct ? <p className="field__error">{errors.correct}</p> : null}
        <button
          type="button"
          className="button button--small"
          disabled={draft.options.length >= MAX_OPTIONS}
          onClick={() => setDraft(addOption(draft))}
        >
          Add option
        </button>
      </fieldset>

      <label className="checkbox">
        <input
          type="checkbox"
          checked={draft.anonymous}
          onChange={(event) => setDraft({ ...draft, anonymous: event.target.checked })}
        />{" "}
        Anonymous votes (nobody sees who voted for what)
      </label>

      <div className="actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? "Saving…" : "Save draft"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
