/**
 * The player's keyboard, as people know it from video sites, active anywhere on the replay
 * page except where a key already means something:
 *
 * | key            | does                               |
 * | -------------- | ---------------------------------- |
 * | Space, k       | play / pause                       |
 * | j / l          | back / forward 10 s                |
 * | ← / →          | back / forward 5 s                 |
 * | c              | captions on / off                  |
 * | m              | sound on / off                     |
 * | > / < (shift)  | faster / slower                    |
 * | n / N (shift)  | next / previous search hit         |
 *
 * Nothing while typing in a text field; Space is a button's or link's own when one has
 * focus; arrows belong to sliders; both belong to tabs, radio buttons and selects; Ctrl, ⌘
 * and Alt combinations are the browser's.
 */

export type PlayerCommand =
  | { type: "toggle-play" }
  | { type: "seek-by"; seconds: number }
  | { type: "toggle-captions" }
  | { type: "toggle-mute" }
  | { type: "faster" }
  | { type: "slower" }
  | { type: "next-hit" }
  | { type: "previous-hit" };

export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** What the focused element does with keys itself. */
export type FocusKind =
  /** Typing: every key is the field's. */
  | "text"
  /** Arrows move it (a slider). */
  | "arrows"
  /** Space or Enter presses it (a button, a link, a checkbox). */
  | "presses"
  /** Arrows and Space are both its own (a tab, a radio button, a select, a list box). */
  | "control"
  | "none";

/** The bits of a focused element that decide its `FocusKind` (an `Element` has them all). */
export interface FocusTarget {
  tagName?: string;
  isContentEditable?: boolean;
  getAttribute?(name: string): string | null;
}

const TEXT_INPUTS = new Set(["text", "search", "email", "password", "number", "tel", "url", "date", "time"]);
const CONTROL_ROLES = new Set(["tab", "listbox", "option", "menuitem", "radio", "spinbutton"]);
const PRESS_ROLES = new Set(["button", "link", "checkbox", "switch"]);

export function focusKindOf(target: FocusTarget | null | undefined): FocusKind {
  if (!target?.tagName) return "none";
  if (target.isContentEditable) return "text";
  const tag = target.tagName.toLowerCase();
  const role = target.getAttribute?.("role") ?? null;
  if (tag === "textarea") return "text";
  if (tag === "input") {
    const type = (target.getAttribute?.("type") ?? "text").toLowerCase();
    if (TEXT_INPUTS.has(type)) return "text";
    if (type === "range") return "arrows";
    if (type === "radio") return "control";
    return "presses";
  }
  if (role === "textbox" || role === "combobox" || role === "searchbox") return "text";
  if (role === "slider") return "arrows";
  if (tag === "select" || (role !== null && CONTROL_ROLES.has(role))) return "control";
  if (tag === "button" || tag === "a" || tag === "summary" || (role !== null && PRESS_ROLES.has(role))) return "presses";
  return "none";
}

export function playerCommand(press: KeyPress, focus: FocusKind): PlayerCommand | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (focus === "text") return null;
  switch (press.key) {
    case " ":
    case "Spacebar":
      return focus === "presses" || focus === "control" ? null : { type: "toggle-play" };
    case "k":
    case "K":
      return { type: "toggle-play" };
    case "j":
    case "J":
      return { type: "seek-by", seconds: -10 };
    case "l":
    case "L":
      return { type: "seek-by", seconds: 10 };
    case "ArrowLeft":
      return focus === "arrows" || focus === "control" ? null : { type: "seek-by", seconds: -5 };
    case "ArrowRight":
      return focus === "arrows" || focus === "control" ? null : { type: "seek-by", seconds: 5 };
    case "c":
    case "C":
      return { type: "toggle-captions" };
    case "m":
    case "M":
      return { type: "toggle-mute" };
    case ">":
      return { type: "faster" };
    case "<":
      return { type: "slower" };
    case "n":
      return { type: "next-hit" };
    case "N":
      return { type: "previous-hit" };
    default:
      return null;
  }
}
