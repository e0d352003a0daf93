import { ChevronLeft, ChevronRight } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import type { SlideControl } from "../hooks/useSlideControl";

/** ‹ 3 / 12 › (bundled icons) — the buttons beside the page count; the arrow keys do the same (see DeckPanel). */
export function SlideNavigator({ control }: { control: SlideControl }) {
  const { page, pageCount, go } = control;
  return (
    <div className="slide-nav" role="group" aria-label="Slide">
      <button
        type="button"
        className="button slide-nav__step"
        aria-label="Previous slide"
        title="Previous slide (←)"
        disabled={page <= 1}
        onClick={() => go(page - 1)}
      >
        <Icon glyph={ChevronLeft} />
      </button>
      <span className="slide-nav__page" aria-live="polite" aria-atomic="true">
        <span className="visually-hidden">Slide </span>
        {page} / {pageCount}
      </span>
      <button
        type="button"
        className="button slide-nav__step"
        aria-label="Next slide"
        title="Next slide (→)"
        disabled={page >= pageCount}
        onClick={() => go(page + 1)}
      >
        <Icon glyph={ChevronRight} />
      </button>
    </div>
  );
}
