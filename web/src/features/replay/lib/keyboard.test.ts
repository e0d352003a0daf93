import { describe, expect, it } from "vitest";
import { type FocusTarget, focusKindOf, playerCommand } from "./keyboard";

function element(tagName: string, attributes: Record<string, string> = {}, isContentEditable = false): FocusTarget {
  return { tagName, isContentEditable, getAttribute: (name) => attributes[name] ?? null };
}

describe("playerCommand", () => {
  it("maps the video-site keys", () => {
    expect(playerCommand({ key: " " }, "none")).toEqual({ type: "toggle-play" });
    expect(playerCommand({ key: "k" }, "none")).toEqual({ type: "toggle-play" });
    expect(playerCommand({ key: "j" }, "none")).toEqual({ type: "seek-by", seconds: -10 });
    expect(playerCommand({ key: "l" }, "none")).toEqual({ type: "seek-by", seconds: 10 });
    expect(playerCommand({ key: "ArrowLeft" }, "none")).toEqual({ type: "seek-by", seconds: -5 });
    expect(playerCommand({ key: "ArrowRight" }, "none")).toEqual({ type: "seek-by", seconds: 5 });
    expect(playerCommand({ key: "c" }, "none")).toEqual({ type: "toggle-captions" });
    expect(playerCommand({ key: "m" }, "none")).toEqual({ type: "toggle-mute" });
  });

  it("changes speed with shift+> and shift+<", () => {
    expect(playerCommand({ key: ">", shiftKey: true }, "none")).toEqual({ type: "faster" });
    expect(playerCommand({ key: "<", shiftKey: true }, "none")).toEqual({ type: "slower" });
  });

  it("walks search hits with n and shift+N", () => {
    expect(playerCommand({ key: "n" }, "none")).toEqual({ type: "next-hit" });
    expect(playerCommand({ key: "N", shiftKey: true }, "none")).toEqual({ type: "previous-hit" });
  });

  it("takes letters typed with caps lock the same way", () => {
    expect(playerCommand({ key: "K" }, "none")).toEqual({ type: "toggle-play" });
    expect(playerCommand({ key: "C" }, "none")).toEqual({ type: "toggle-captions" });
  });

  it("does nothing while typing", () => {
    for (const key of [" ", "k", "j", "ArrowLeft", "c", ">", "n"]) {
      expect(playerCommand({ key }, "text")).toBeNull();
    }
  });

  it("leaves Space to a focused button or link, and arrows to sliders and tabs", () => {
    expect(playerCommand({ key: " " }, "presses")).toBeNull();
    expect(playerCommand({ key: "k" }, "presses")).toEqual({ type: "toggle-play" });
    expect(playerCommand({ key: "ArrowRight" }, "presses")).toEqual({ type: "seek-by", seconds: 5 });
    expect(playerCommand({ key: "ArrowRight" }, "arrows")).toBeNull();
    expect(playerCommand({ key: "ArrowLeft" }, "arrows")).toBeNull();
    expect(playerCommand({ key: " " }, "arrows")).toEqual({ type: "toggle-play" });
    expect(playerCommand({ key: " " }, "control")).toBeNull();
    expect(playerCommand({ key: "ArrowLeft" }, "control")).toBeNull();
    expect(playerCommand({ key: "j" }, "control")).toEqual({ type: "seek-by", seconds: -10 });
  });

  it("leaves Ctrl, ⌘ and Alt combinations and other keys to the browser", () => {
    expect(playerCommand({ key: "l", ctrlKey: true }, "none")).toBeNull();
    expect(playerCommand({ key: "k", metaKey: true }, "none")).toBeNull();
    expect(playerCommand({ key: "ArrowLeft", altKey: true }, "none")).toBeNull();
    expect(playerCommand({ key: "x" }, "none")).toBeNull();
    expect(playerCommand({ key: "Enter" }, "none")).toBeNull();
    expect(playerCommand({ key: "Tab" }, "none")).toBeNull();
  });
});

describe("focusKindOf", () => {
  it("knows text fields", () => {
    expect(focusKindOf(element("INPUT", { type: "search" }))).toBe("text");
    expect(focusKindOf(element("INPUT"))).toBe("text");
    expect(focusKindOf(element("TEXTAREA"))).toBe("text");
    expect(focusKindOf(element("DIV", {}, true))).toBe("text");
    expect(focusKindOf(element("DIV", { role: "textbox" }))).toBe("text");
  });

  it("knows what arrows move, and what owns Space as well", () => {
    expect(focusKindOf(element("INPUT", { type: "range" }))).toBe("arrows");
    expect(focusKindOf(element("DIV", { role: "slider" }))).toBe("arrows");
    expect(focusKindOf(element("SELECT"))).toBe("control");
    expect(focusKindOf(element("BUTTON", { role: "tab" }))).toBe("control");
    expect(focusKindOf(element("INPUT", { type: "radio" }))).toBe("control");
  });

  it("knows what Space presses", () => {
    expect(focusKindOf(element("BUTTON"))).toBe("presses");
    expect(focusKindOf(element("A"))).toBe("presses");
    expect(focusKindOf(element("INPUT", { type: "checkbox" }))).toBe("presses");
  });

  it("leaves everything else (the page, a list, the video) to the player", () => {
    expect(focusKindOf(element("BODY"))).toBe("none");
    expect(focusKindOf(element("VIDEO"))).toBe("none");
    expect(focusKindOf(element("DIV", { role: "region" }))).toBe("none");
    expect(focusKindOf(null)).toBe("none");
  });
});
