import { type FormEvent, useId, useState } from "react";
import { describeProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { setBanner } from "../lib/studio-api";

export const BANNER_MAX = 280;

interface BannerEditorProps {
  sessionId: string;
  /** The banner students see now. */
  banner: string | null;
}

/** A line of text over the class's picture ("Quiz after the break"), shown and taken down here. */
export function BannerEditor({ sessionId, banner }: BannerEditorProps) {
  const api = useApi();
  const [text, setText] = useState("");
  const id = useId();
  const [busy, setBusy] = useState<"show" | "clear" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function send(next: string | null, action: "show" | "clear") {
    setBusy(action);
    setError(null);
    try {
      await setBanner(api, sessionId, next);
      if (action === "show") setText("");
    } catch (failure) {
      setError(describeProblem(toProblemError(failure).problem));
    } finally {
      setBusy(null);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = text.trim();
    if (trimmed === "") {
      setError("Write the banner's text first.");
      return;
    }
    void send(trimmed, "show");
  }

  return (
    <section className="card studio-panel" aria-labelledby="studio-banner-title">
      <h2 id="studio-banner-title">Banner</h2>
      {banner ? (
        <p className="banner-now">
          <span className="muted">Showing:</span> <span className="banner-now__text">{banner}</span>{" "}
          <button
            type="button"
            className="button button--small"
            disabled={busy !== null}
            aria-busy={busy === "clear"}
            onClick={() => void send(null, "clear")}
          >
            Take down
          </button>
        </p>
      ) : (
        <p className="muted small">No banner is showing.</p>
      )}
      <form className="banner-form" onSubmit={submit} noValidate>
        <div className="field banner-form__field">
          <label className="field__label" htmlFor={`${id}-text`}>
            Banner text
          </label>
          <input
            id={`${id}-text`}
            className="input"
            value={text}
            maxLength={BANNER_MAX}
            onChange={(event) => setText(event.target.value)}
            aria-describedby={`${id}-count`}
          />
          <span id={`${id}-count`} className="field__hint">
            {text.length} / {BANNER_MAX}
          </span>
        </div>
        <button type="submit" className="button" disabled={busy !== null} aria-busy={busy === "show"}>
          {busy === "show" ? "Showing…" : banner ? "Replace banner" : "Show banner"}
        </button>
      </form>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
