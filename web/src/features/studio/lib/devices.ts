/**
 * The studio's device check, in plain terms: which requests to try for a camera and a
 * microphone, and what a refusal means for the teacher.
 */

/** Both first; then each alone, so a missing microphone does not cost the camera. */
export const DEVICE_REQUESTS: readonly MediaStreamConstraints[] = [
  { video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: true },
  { video: { width: { ideal: 1280 }, height: { ideal: 720 } } },
  { audio: true },
];

/** Errors after which trying a smaller request cannot help (the person said no). */
export function isFinalDeviceError(error: unknown): boolean {
  const name = errorName(error);
  return name === "NotAllowedError" || name === "SecurityError" || name === "NotSupportedError";
}

export function describeDeviceError(error: unknown): string {
  switch (errorName(error)) {
    case "NotAllowedError":
    case "SecurityError":
      return "Camera and microphone access is blocked. Allow it for this site in your browser, then try again.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No camera or microphone was found. Connect one, then try again.";
    case "NotReadableError":
    case "AbortError":
      return "Your camera or microphone is busy in another app. Close that app, then try again.";
    case "NotSupportedError":
      return "This browser can't use a camera on this page. Use a recent browser over https.";
    default:
      return "The camera and microphone could not be started. Try again.";
  }
}

function errorName(error: unknown): string | null {
  return typeof error === "object" && error !== null && "name" in error && typeof error.name === "string"
    ? error.name
    : null;
}

/**
 * Loudness of a microphone frame for a level meter, 0 (silence) to 1, from an
 * AnalyserNode's byte time-domain data (128 is the zero line). Scaled so speech at a
 * normal distance fills most of the meter.
 */
export function micLevel(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const centered = ((samples[i] ?? 128) - 128) / 128;
    sum += centered * centered;
  }
  const rms = Math.sqrt(sum / samples.length);
  return Math.min(1, rms * 4);
}
