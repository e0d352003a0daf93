import { useEffect } from "react";

/** Names the tab (and what a screen reader announces on navigation) after the page. */
export function useDocumentTitle(title: string | null): void {
  useEffect(() => {
    document.title = title ? `${title} · Multistream` : "Multistream";
  }, [title]);
}
