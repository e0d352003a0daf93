import { type Ref, useId } from "react";
import type { LimitedText } from "../hooks/useLimitedText";

interface QuestionTextProps {
  label: string;
  text: LimitedText;
  /** Shown under the box while the text is over its limit (the box is marked invalid). */
  limitMessage: string;
  inputRef?: Ref<HTMLTextAreaElement>;
}

/** The text box of a question or of its answer, with its label and the length limit's message. */
export function QuestionText({ label, text, limitMessage, inputRef }: QuestionTextProps) {
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
        value={text.value}
        aria-invalid={text.tooLong}
        onChange={(event) => text.setValue(event.target.value)}
      />
      {text.tooLong ? <p className="field__error">{limitMessage}</p> : null}
    </>
  );
}
