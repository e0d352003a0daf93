import { useEffect } from "react";
import { describeProblem } from "../../../api/problem";
import type { StudioDeck } from "../../../api/types";
import { useDeckPages } from "../hooks/useDeckPages";

interface SlideViewProps {
  deck: StudioDeck | null;
  pageNo: number | null;
  audience: "host" | "student";
}

/**
 * The current slide's image. Page URLs are signed and expire: an image that fails to
 * load asks for fresh URLs. The next page is fetched ahead, so "next" shows at once.
 */
export function SlideView({ deck, pageNo, audience }: SlideViewProps) {
  const { pages, error, refresh } = useDeckPages(deck?.asset_id ?? null);
  const current = pageNo ?? 1;
  const page = pages?.find((candidate) => candidate.page_no === current) ?? null;
  const next = pages?.find((candidate) => candidate.page_no === current + 1) ?? null;

  useEffect(() => {
    if (next === null || typeof Image === "undefined") return;
    const preload = new Image();
    preload.src = next.image_url;
  }, [next]);

  if (deck === null) {
    return (
      <p className="stage__overlay">
        {audience === "host" ? "No slides yet: upload a deck below." : "The slides will appear here."}
      </p>
    );
  }
  if (page === null) {
    if (error) {
      return (
        <div className="stage__overlay" role="alert">
          <p>
            Couldn't load the slide. {describeProblem(error.problem)}{" "}
            <button type="button" className="button button--small" onClick={refresh}>
              Try again
            </button>
          </p>
        </div>
      );
    }
    return (
      <p className="stage__overlay" role="status">
        Loading the slide…
      </p>
    );
  }
  return (
    <img
      className="scene__slide"
      src={page.image_url}
      alt={`Slide ${current} of ${deck.page_count}${page.title ? `: ${page.title}` : ""}`}
      data-page={current}
      onError={refresh}
    />
  );
}
