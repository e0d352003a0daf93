import { useState } from "react";
import { describeProblem } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { useResource } from "../../../shared/hooks/useResource";
import { listCourseAssets } from "../lib/studio-api";

interface EarlierDecksProps {
  courseId: string;
  currentId: string | null;
  busy: boolean;
  onPick(assetId: string): void;
}

/** The course's earlier decks, read when opened, to show one again. */
export function EarlierDecks({ courseId, currentId, busy, onPick }: EarlierDecksProps) {
  const [open, setOpen] = useState(false);
  return (
    <details className="earlier-decks" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Use an earlier deck</summary>
      {open ? <DeckList courseId={courseId} currentId={currentId} busy={busy} onPick={onPick} /> : null}
    </details>
  );
}

function DeckList({ courseId, currentId, busy, onPick }: EarlierDecksProps) {
  const api = useApi();
  const decks = useResource((signal) => listCourseAssets(api, courseId, signal), [api, courseId]);
  if (decks.status === "loading") return <p className="muted small">Loading the course's decks…</p>;
  if (decks.status === "error") {
    return (
      <p className="field__error">
        Couldn't load the decks. {describeProblem(decks.error.problem)}{" "}
        <button type="button" className="button button--small" onClick={decks.reload}>
          Try again
        </button>
      </p>
    );
  }
  const ready = decks.data.filter((asset) => asset.kind === "slide_deck" && asset.status === "ready");
  if (ready.length === 0) return <p className="muted small">No other decks in this course yet.</p>;
  return (
    <ul className="earlier-decks__list">
      {ready.map((asset) => (
        <li key={asset.id}>
          <span>
            {asset.filename} <span className="muted small">· {asset.page_count ?? 0} pages</span>
          </span>
          {asset.id === currentId ? (
            <span className="badge badge--muted">Showing</span>
          ) : (
            <button type="button" className="button button--small" disabled={busy} onClick={() => onPick(asset.id)}>
              Show
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
