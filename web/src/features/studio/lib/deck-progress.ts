/**
 * How far a deck upload has got, in words and as a fraction for a progress bar: the
 * bytes going up, then the pages the server has rendered. Pure.
 */
import type { Asset } from "../../../api/types";

export type DeckUpload =
  | { phase: "uploading"; filename: string; fraction: number }
  | { phase: "processing"; asset: Asset }
  | { phase: "ready"; asset: Asset }
  | { phase: "failed"; filename: string; message: string };

export interface DeckProgress {
  label: string;
  /** 0..1, or null when unknown (the bar shows it is busy). */
  fraction: number | null;
}

export function deckProgress(upload: DeckUpload): DeckProgress | null {
  switch (upload.phase) {
    case "uploading":
      return { label: `Uploading ${upload.filename}… ${Math.round(upload.fraction * 100)}%`, fraction: upload.fraction };
    case "processing": {
      const { page_count: total, pages_rendered: done, filename } = upload.asset;
      if (total === null || total === 0) return { label: `Preparing ${filename}…`, fraction: null };
      return { label: `Rendering ${filename}: page ${Math.min(done, total)} of ${total}`, fraction: done / total };
    }
    default:
      return null;
  }
}

/** An upload answer or poll result as a phase. */
export function phaseOf(asset: Asset): DeckUpload {
  switch (asset.status) {
    case "ready":
      return { phase: "ready", asset };
    case "failed":
      return {
        phase: "failed",
        filename: asset.filename,
        message: asset.error ?? "The deck couldn't be prepared. Try exporting it to PDF again.",
      };
    default:
      return { phase: "processing", asset };
  }
}
