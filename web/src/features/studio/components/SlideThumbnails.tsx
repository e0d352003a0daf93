import type { SlidePage } from "../../../api/types";

interface SlideThumbnailsProps {
  pages: readonly SlidePage[];
  current: number;
  onGo(page: number): void;
  /** A thumbnail failed to load (its signed URL may have expired). */
  onImageError(): void;
}

/** The deck's pages, small; a click shows that page to the class. */
export function SlideThumbnails({ pages, current, onGo, onImageError }: SlideThumbnailsProps) {
  return (
    <ol className="thumbs" aria-label="Pages">
      {pages.map((page) => (
        <li key={page.page_no}>
          <button
            type="button"
            className="thumb"
            aria-current={page.page_no === current ? "true" : undefined}
            aria-label={`Show slide ${page.page_no}${page.title ? `: ${page.title}` : ""}`}
            onClick={() => onGo(page.page_no)}
          >
            <img className="thumb__image" src={page.thumb_url} alt="" loading="lazy" onError={onImageError} />
            <span className="thumb__number" aria-hidden="true">
              {page.page_no}
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}
