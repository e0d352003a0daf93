import { describe, expect, it } from "vitest";
import { snippetParts, snippetText } from "./snippet";

describe("snippetParts", () => {
  it("splits a snippet into plain and marked parts", () => {
    expect(snippetParts("the «chlorophyll» absorbs «light»")).toEqual([
      { text: "the ", marked: false },
      { text: "chlorophyll", marked: true },
      { text: " absorbs ", marked: false },
      { text: "light", marked: true },
    ]);
  });

  it("keeps a snippet without marks whole, and an empty one empty", () => {
    expect(snippetParts("no match marked")).toEqual([{ text: "no match marked", marked: false }]);
    expect(snippetParts("")).toEqual([]);
  });

  it("marks a match at the very start or end, and joins marks that touch", () => {
    expect(snippetParts("«ATP»")).toEqual([{ text: "ATP", marked: true }]);
    expect(snippetParts("«light»«reactions» here")).toEqual([
      { text: "lightreactions", marked: true },
      { text: " here", marked: false },
    ]);
  });

  it("marks to the end after an unclosed «, and drops a stray »", () => {
    expect(snippetParts("about «glucose")).toEqual([
      { text: "about ", marked: false },
      { text: "glucose", marked: true },
    ]);
    expect(snippetParts("a » b")).toEqual([{ text: "a  b", marked: false }]);
  });

  it("leaves markup as text: it is never HTML", () => {
    expect(snippetParts("<b>«x»</b>")).toEqual([
      { text: "<b>", marked: false },
      { text: "x", marked: true },
      { text: "</b>", marked: false },
    ]);
  });

  it("reads without the markers", () => {
    expect(snippetText("the «chlorophyll» absorbs")).toBe("the chlorophyll absorbs");
  });
});
