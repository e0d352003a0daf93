import type { Ref } from "react";
import { Field } from "../../../shared/components/Field";
import { formatMinutes } from "../../../shared/lib/format-duration";
import { SESSION_TITLE_MAX_LENGTH, type ScheduleField, type ScheduleInput, durationChoices } from "../lib/schedule-draft";

interface SessionFieldsProps {
  input: ScheduleInput;
  errors: Partial<Record<ScheduleField, string>>;
  onChange(change: Partial<ScheduleInput>, field: ScheduleField | null): void;
  titleRef?: Ref<HTMLInputElement>;
  /** An edited class's own length, offered even when it is not one of the usual ones. */
  ownDuration?: number;
}

/**
 * A class's title, day, start time (the teacher's own time zone), length and whether it is
 * recorded: the fields scheduling and editing share.
 */
export function SessionFields({ input, errors, onChange, titleRef, ownDuration }: SessionFieldsProps) {
  return (
    <>
      <Field label="Class title" error={errors.title}>
        {(control) => (
          <input
            {...control}
            ref={titleRef}
            className="input"
            type="text"
            name="title"
            maxLength={SESSION_TITLE_MAX_LENGTH}
            placeholder="e.g. Week 3 — the Calvin cycle"
            value={input.title}
            onChange={(event) => onChange({ title: event.target.value }, "title")}
          />
        )}
      </Field>
      <div className="form-row form-row--three">
        <Field label="Date" error={errors.date}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="date"
              name="date"
              value={input.date}
              onChange={(event) => onChange({ date: event.target.value }, "date")}
            />
          )}
        </Field>
        <Field label="Start time" error={errors.time}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="time"
              name="time"
              step={300}
              value={input.time}
              onChange={(event) => onChange({ time: event.target.value }, "time")}
            />
          )}
        </Field>
        <Field label="Duration" error={errors.duration}>
          {(control) => (
            <select
              {...control}
              className="input select"
              name="duration"
              value={input.durationMinutes}
              onChange={(event) => onChange({ durationMinutes: Number(event.target.value) }, "duration")}
            >
              {durationChoices(ownDuration ?? input.durationMinutes).map((minutes) => (
                <option key={minutes} value={minutes}>
                  {formatMinutes(minutes)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <p className="field__hint">Times are in your time zone ({Intl.DateTimeFormat().resolvedOptions().timeZone}).</p>
      <div className="record-choice">
        <label className="checkbox">
          <input
            type="checkbox"
            name="record"
            checked={input.record}
            onChange={(event) => onChange({ record: event.target.checked }, null)}
          />
          Record this class
        </label>
        <p className="field__hint">
          {input.record
            ? "Students are told the class is recorded. The replay, with its transcript, appears on the course page."
            : "Nothing is recorded, and there will be no replay."}
        </p>
      </div>
    </>
  );
}
