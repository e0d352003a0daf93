import { describe, expect, it } from "vitest";
import { SCENE_NAME_MAX, sceneNameProblem } from "./scene-name";

describe("sceneNameProblem", () => {
  it("accepts 1 to 80 characters once trimmed", () => {
    expect(sceneNameProblem("  Board ")).toBeNull();
    expect(sceneNameProblem("x".repeat(SCENE_NAME_MAX))).toBeNull();
    // Emoji are one character each to the api.
    expect(sceneNameProblem("📐".repeat(SCENE_NAME_MAX))).toBeNull();
  });

  it("refuses a blank name and a long one", () => {
    expect(sceneNameProblem("   ")).toBe("Give the scene a name.");
    expect(sceneNameProblem("x".repeat(SCENE_NAME_MAX + 1))).toBe("Keep the name to 80 characters or fewer.");
  });
});
