import { describe, expect, it } from "vitest";
import { aDeck } from "../testing/fixtures";
import { deckProgress, phaseOf } from "./deck-progress";

describe("deckProgress", () => {
  it("counts the bytes going up, then the pages rendered", () => {
    expect(deckProgress({ phase: "uploading", filename: "light.pdf", fraction: 0.425 })).toEqual({
      label: "Uploading light.pdf… 43%",
      fraction: 0.425,
    });
    const rendering = aDeck(5, { filename: "light.pdf", status: "processing", pages_rendered: 2, pages: [] });
    expect(deckProgress({ phase: "processing", asset: rendering })).toEqual({
      label: "Rendering light.pdf: page 2 of 5",
      fraction: 0.4,
    });
  });

  it("is busy without a number before the page count is known", () => {
    const opening = aDeck(5, { filename: "light.pdf", status: "processing", page_count: null, pages_rendered: 0 });
    expect(deckProgress({ phase: "processing", asset: opening })).toEqual({ label: "Preparing light.pdf…", fraction: null });
  });

  it("has nothing to show once ready or failed", () => {
    expect(deckProgress({ phase: "ready", asset: aDeck() })).toBeNull();
    expect(deckProgress({ phase: "failed", filename: "x.pdf", message: "No." })).toBeNull();
  });
});

describe("phaseOf", () => {
  it("reads the asset's status, with the server's reason for a failure", () => {
    expect(phaseOf(aDeck()).phase).toBe("ready");
    expect(phaseOf(aDeck(5, { status: "processing" })).phase).toBe("processing");
    expect(phaseOf(aDeck(5, { status: "uploading" })).phase).toBe("processing");
    expect(phaseOf(aDeck(5, { status: "failed", error: "This PDF has 900 pages; the limit is 300." }))).toEqual({
      phase: "failed",
      filename: "light-reactions.pdf",
      message: "This PDF has 900 pages; the limit is 300.",
    });
  });
});
