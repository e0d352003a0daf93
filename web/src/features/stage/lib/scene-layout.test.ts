import { describe, expect, it } from "vitest";
import { layoutLabel, partsOf } from "./scene-layout";

describe("partsOf", () => {
  it("puts each layout's main picture first, with the camera in a corner for the + camera ones", () => {
    expect(partsOf("camera")).toEqual({ main: "camera", cameraInset: false });
    expect(partsOf("slides")).toEqual({ main: "slide", cameraInset: false });
    expect(partsOf("slides_camera")).toEqual({ main: "slide", cameraInset: true });
    expect(partsOf("screen")).toEqual({ main: "screen", cameraInset: false });
    expect(partsOf("screen_camera")).toEqual({ main: "screen", cameraInset: true });
    expect(partsOf("whiteboard")).toEqual({ main: "board", cameraInset: false });
  });

  it("shows the camera when no scene is active", () => {
    expect(partsOf(null)).toEqual({ main: "camera", cameraInset: false });
  });
});

describe("layoutLabel", () => {
  it("names layouts for people", () => {
    expect(layoutLabel("slides_camera")).toBe("Slides and camera");
    expect(layoutLabel("whiteboard")).toBe("Whiteboard");
  });
});
