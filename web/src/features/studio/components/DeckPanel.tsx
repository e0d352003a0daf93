import { useEffect, useRef, useState } from "react";
import { describeProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { useDeckPages } from "../../stage/hooks/useDeckPages";
import type { StudioSnapshot } from "../../../api/types";
import { useDeckUpload } from "../hooks/useDeckUpload";
import type { SlideControl } from "../hooks/useSlideControl";
import { deckProgress } from "../lib/deck-progress";
import { attachDeck } from "../lib/studio-api";
import { EarlierDecks } from "./EarlierDecks";
import { SlideThumbnails } from "./SlideThumbnails";

interface DeckPanelProps {
  sessionId: string;
  courseId: string;
  studio: StudioSnapshot;
  /** The class's page (◀ page ▶ and the arrow keys live under the program preview). */
  control: SlideControl;
}

/**
 * The class's slides: upload a PDF (progress while it goes up and while its pages are
 * rendered), then pick a page from the thumbnails (◀ ▶ and the arrow keys are under the
 * program preview: StudioDesk). A first
 * deck is shown to the class as soon as it is ready; a later one waits for "Show this deck".
 */
export function DeckPanel({ sessionId, courseId, studio, control }: DeckPanelProps) {
  const api = useApi();
  const deck = studio.deck;
  const pages = useDeckPages(deck?.asset_id ?? null);
  const { upload, start, reset } = useDeckUpload(courseId);
  const [attaching, setAttaching] = useState<string | null>(null);
  const [attachError, setAttachError] = useState<string | null>(null);
  const autoAttached = useRef(new Set<string>());

  async function attach(assetId: string) {
    setAttaching(assetId);
    setAttachError(null);
    try {
      await attachDeck(api, sessionId, assetId);
    } catch (failure) {
      setAttachError(describeProblem(toProblemError(failure).problem));
    } finally {
      setAttaching(null);
    }
  }

  const readyId = upload?.phase === "ready" ? upload.asset.id : null;
  useEffect(() => {
    if (readyId === null) return;
    if (deck?.asset_id === readyId) {
      // The class shows it now: the thumbnails take over from the progress.
      reset();
    } else if (deck === null && !autoAttached.current.has(readyId)) {
      autoAttached.current.add(readyId);
      void attach(readyId);
    }
    // `attach` is stable in what it does; only the ids decide.
  }, [readyId, deck?.asset_id]);

  const progress = upload ? deckProgress(upload) : null;
  const busy = upload?.phase === "uploading" || upload?.phase === "processing";

  return (
    <section className="card studio-panel deck-panel" aria-labelledby="studio-deck-title">
      <h2 id="studio-deck-title">Slides</h2>
      {deck ? (
        <>
          <p className="deck-panel__name">
            {deck.filename || "Slide deck"} <span className="muted">· {deck.page_count} pages</span>
          </p>
          {pages.pages ? (
            <SlideThumbnails pages={pages.pages} current={control.page} onGo={control.go} onImageError={pages.refresh} />
          ) : pages.error ? (
            <p className="field__error">Couldn't load the thumbnails. {describeProblem(pages.error.problem)}</p>
          ) : (
            <p className="muted small" role="status">
              Loading the pages…
            </p>
          )}
          <p className="muted small">The ← and → keys move the slides (not while you're typing).</p>
        </>
      ) : (
        <p className="muted">No slides yet. Upload a PDF: the slide scenes show it to the class.</p>
      )}

      <div className="deck-upload">
        <label className="field">
          <span className="field__label">{deck ? "Upload another PDF" : "Upload a PDF deck"}</span>
          <input
            className="deck-upload__input"
            type="file"
            accept="application/pdf,.pdf"
            disabled={busy}
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) start(file);
              event.target.value = "";
            }}
          />
        </label>
        {progress ? (
          <div className="deck-upload__progress" role="status">
            <progress max={1} {...(progress.fraction === null ? {} : { value: progress.fraction })} aria-label="Deck progress" />
            <span>{progress.label}</span>
          </div>
        ) : null}
        {upload?.phase === "failed" ? (
          <div className="deck-upload__failed" role="alert">
            <p className="field__error">
              {upload.filename}: {upload.message}
            </p>
            <button type="button" className="button button--small" onClick={reset}>
              Dismiss
            </button>
          </div>
        ) : null}
        {upload?.phase === "ready" && deck !== null && deck.asset_id !== upload.asset.id ? (
          <p className="deck-upload__ready">
            {upload.asset.filename} is ready ({upload.asset.page_count ?? 0} pages).{" "}
            <button
              type="button"
              className="button button--small button--primary"
              disabled={attaching !== null}
              onClick={() => void attach(upload.asset.id)}
            >
              Show this deck
            </button>
          </p>
        ) : null}
        {attachError ? (
          <p className="field__error" role="alert">
            {attachError}
          </p>
        ) : null}
      </div>
      <EarlierDecks courseId={courseId} currentId={deck?.asset_id ?? null} busy={attaching !== null} onPick={(id) => void attach(id)} />
    </section>
  );
}
