import { useId, useRef } from "react";
import { useCopyToClipboard } from "../hooks/useCopyToClipboard";

interface InviteLinkFieldProps {
  /** The field's accessible name, e.g. "Student invite link". */
  label: string;
  url: string;
}

/** A read-only link with a copy button; the link text can always be selected by hand. */
export function InviteLinkField({ label, url }: InviteLinkFieldProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const { status, copy } = useCopyToClipboard();

  return (
    <div className="copy-field">
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input
        ref={input}
        id={id}
        className="input copy-field__input"
        type="text"
        readOnly
        value={url}
        onFocus={(event) => event.currentTarget.select()}
      />
      <button
        type="button"
        className="button copy-field__button"
        onClick={async () => {
          if ((await copy(url)) === "manual") {
            input.current?.focus();
            input.current?.select();
          }
        }}
      >
        {status === "copied" ? "Copied" : "Copy link"}
      </button>
      <span className="copy-field__status" role="status">
        {status === "copied" ? "Link copied to the clipboard." : null}
        {status === "manual" ? "Press Ctrl+C (⌘C on a Mac) to copy the selected link." : null}
      </span>
    </div>
  );
}
