// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { type KeyPress, slideStepFor, steppedPage } from "./slide-keys";

function press(key: string, target: EventTarget | null = document.body, extra: Partial<KeyPress> = {}): KeyPress {
  return { key, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, defaultPrevented: false, target, ...extra };
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, setup: (node: HTMLElementTagNameMap[K]) => void = () => undefined) {
  const node = document.createElement(tag);
  setup(node);
  return node;
}

describe("slideStepFor", () => {
  it("moves forward with → and Page Down, back with ← and Page Up", () => {
    expect(slideStepFor(press("ArrowRight"))).toBe(1);
    expect(slideStepFor(press("PageDown"))).toBe(1);
    expect(slideStepFor(press("ArrowLeft"))).toBe(-1);
    expect(slideStepFor(press("PageUp"))).toBe(-1);
    expect(slideStepFor(press("ArrowUp"))).toBeNull();
    expect(slideStepFor(press("Enter"))).toBeNull();
  });

  it("works from buttons and checkboxes", () => {
    expect(slideStepFor(press("ArrowRight", element("button")))).toBe(1);
    expect(slideStepFor(press("ArrowRight", element("input", (input) => (input.type = "checkbox"))))).toBe(1);
  });

  it("leaves the arrows to radio buttons and tabs, which move with them", () => {
    const radio = element("input", (input) => input.setAttribute("type", "radio"));
    const tab = element("button", (button) => button.setAttribute("role", "tab"));
    document.body.append(radio, tab);
    expect(slideStepFor(press("ArrowRight", radio))).toBeNull();
    expect(slideStepFor(press("ArrowLeft", tab))).toBeNull();
    radio.remove();
    tab.remove();
  });

  it("leaves the keys to text fields, selects and editable regions", () => {
    expect(slideStepFor(press("ArrowRight", element("input")))).toBeNull();
    expect(slideStepFor(press("ArrowRight", element("input", (input) => (input.type = "search"))))).toBeNull();
    expect(slideStepFor(press("ArrowLeft", element("textarea")))).toBeNull();
    expect(slideStepFor(press("ArrowLeft", element("select")))).toBeNull();
    const editable = element("div", (div) => div.setAttribute("contenteditable", "true"));
    document.body.append(editable);
    expect(slideStepFor(press("ArrowLeft", editable))).toBeNull();
    editable.remove();
  });

  it("ignores presses with modifiers or already handled", () => {
    expect(slideStepFor(press("ArrowRight", document.body, { altKey: true }))).toBeNull();
    expect(slideStepFor(press("ArrowRight", document.body, { metaKey: true }))).toBeNull();
    expect(slideStepFor(press("ArrowRight", document.body, { shiftKey: true }))).toBeNull();
    expect(slideStepFor(press("ArrowRight", document.body, { defaultPrevented: true }))).toBeNull();
  });
});

describe("steppedPage", () => {
  it("stays within the deck", () => {
    expect(steppedPage(3, 1, 5)).toBe(4);
    expect(steppedPage(5, 1, 5)).toBeNull();
    expect(steppedPage(1, -1, 5)).toBeNull();
    expect(steppedPage(2, -1, 5)).toBe(1);
  });
});
