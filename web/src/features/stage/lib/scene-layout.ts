/**
 * What a scene's layout puts on the stage: the main picture (camera, slide, shared
 * screen or an empty whiteboard) and whether the teacher's camera rides along in a
 * corner. No active scene shows the camera. Pure, so it is tested without React.
 */
import type { SceneLayout } from "../../../api/types";

export type ScenePart = "camera" | "slide" | "screen" | "board";

export interface SceneParts {
  main: ScenePart;
  /** The teacher's camera in a corner of the main picture. */
  cameraInset: boolean;
}

export function partsOf(layout: SceneLayout | null): SceneParts {
  switch (layout) {
    case "slides":
      return { main: "slide", cameraInset: false };
    case "slides_camera":
      return { main: "slide", cameraInset: true };
    case "screen":
      return { main: "screen", cameraInset: false };
    case "screen_camera":
      return { main: "screen", cameraInset: true };
    case "whiteboard":
      return { main: "board", cameraInset: false };
    case "camera":
    case null:
      return { main: "camera", cameraInset: false };
  }
}

export function layoutLabel(layout: SceneLayout): string {
  switch (layout) {
    case "camera":
      return "Camera";
    case "slides":
      return "Slides";
    case "slides_camera":
      return "Slides and camera";
    case "screen":
      return "Screen";
    case "screen_camera":
      return "Screen and camera";
    case "whiteboard":
      return "Whiteboard";
  }
}
