import { memo } from "react";
import { snippetParts } from "../lib/snippet";

/** A search snippet: its text as text, the matched words in `<mark>`. */
export const Snippet = memo(function Snippet({ text }: { text: string }) {
  return (
    <span className="snippet">
      {snippetParts(text).map((part, index) =>
        part.marked ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>,
      )}
    </span>
  );
});
