/**
 * Which keys move the slides: the arrow keys, and Page Up / Page Down (what presentation
 * clickers send) — unless the teacher is typing (a text field, a select, an editable
 * region), is in a widget that uses the arrows itself (tabs, radio buttons) or holds a modifier, where the keys mean something else. Pure.
 */

export type SlideStep = -1 | 1;

export interface KeyPress {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  defaultPrevented: boolean;
  target: EventTarget | null;
}

const TEXT_INPUT_TYPES = new Set([
  "text",
  "search",
  "email",
  "url",
  "tel",
  "password",
  "number",
  "date",
  "time",
  "datetime-local",
  "month",
  "week",
  "range",
  "radio",
]);

/** Widgets whose arrow keys move within them (the side panels' tabs, radio groups…). */
const ARROW_WIDGETS = '[role="tab"], [role="radio"], [role="option"], [role="menuitem"], [role="slider"]';

export function slideStepFor(press: KeyPress): SlideStep | null {
  if (press.defaultPrevented || press.altKey || press.ctrlKey || press.metaKey || press.shiftKey) return null;
  if (isTyping(press.target)) return null;
  switch (press.key) {
    case "ArrowRight":
    case "PageDown":
      return 1;
    case "ArrowLeft":
    case "PageUp":
      return -1;
    default:
      return null;
  }
}

/** The page a step leads to, kept within the deck; null when it would leave it. */
export function steppedPage(current: number, step: SlideStep, pageCount: number): number | null {
  const next = current + step;
  return next >= 1 && next <= pageCount ? next : null;
}

function isTyping(target: EventTarget | null): boolean {
  if (typeof Element === "undefined" || !(target instanceof Element)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(target.type);
  if (target.closest(ARROW_WIDGETS) !== null) return true;
  return (
    (target instanceof HTMLElement && target.isContentEditable) ||
    target.closest('[contenteditable=""], [contenteditable="true"], [contenteditable="plaintext-only"]') !== null
  );
}
