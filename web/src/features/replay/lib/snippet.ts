/**
 * Search snippets, as the api writes them: plain text with each match between « and »
 * (PostgreSQL's `ts_headline`). The parts are rendered as text, the marked ones in
 * `<mark>` — never as HTML.
 */

export interface SnippetPart {
  text: string;
  marked: boolean;
}

export const MARK_OPEN = "«";
export const MARK_CLOSE = "»";

/**
 * `"the «chlorophyll» absorbs"` → plain, marked, plain. An opening « without its » marks
 * to the end; a stray » is dropped; empty parts are left out.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let rest = snippet;
  while (rest.length > 0) {
    const open = rest.indexOf(MARK_OPEN);
    if (open < 0) {
      push(parts, rest.split(MARK_CLOSE).join(""), false);
      break;
    }
    push(parts, rest.slice(0, open).split(MARK_CLOSE).join(""), false);
    rest = rest.slice(open + MARK_OPEN.length);
    const close = rest.indexOf(MARK_CLOSE);
    const marked = close < 0 ? rest : rest.slice(0, close);
    push(parts, marked.split(MARK_OPEN).join(""), true);
    rest = close < 0 ? "" : rest.slice(close + MARK_CLOSE.length);
  }
  return parts;
}

/** The snippet as a person reads it aloud: the markers gone. */
export function snippetText(snippet: string): string {
  return snippetParts(snippet)
    .map((part) => part.text)
    .join("");
}

function push(parts: SnippetPart[], text: string, marked: boolean): void {
  if (text === "") return;
  const last = parts.at(-1);
  if (last && last.marked === marked) last.text += text;
  else parts.push({ text, marked });
}
