import { type Ref, useId } from "react";

interface QuestionTextProps {
  label: string;
  value: string;
  onChange(value: string): void;
  /** Over the limit: the box is marked invalid and `limitMessage` shows under it. */
  tooLong: boolean;
  limitMessage: string;
  inputRef?: Ref<HTMLTextAreaElement>;
}

/** The text box of a question or of its answer, with its label and the length limit's message. */
export function QuestionText({ label, value, onChange, tooLong, limitMessage, inputRef }: QuestionTextProps) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <textarea
        id={id}
        ref={inputRef}
        className="input textarea"
        rows={2}
        value={value}
        aria-invalid={tooLong}
        onChange={(event) => onChange(event.target.value)}
      />
      {tooLong ? <p className="field__error">{limitMessage}</p> : null}
    </>
  );
}
