/** A local `MediaStream` (the host's camera) shown like a remote track. */
import type { AttachableTrack } from "../../sessions/lib/media";

export function streamTrack(stream: MediaStream): AttachableTrack {
  return {
    attach(element) {
      element.srcObject = stream;
      // Autoplay usually starts it; play() covers browsers that wait (and may be absent in tests).
      element.play?.()?.catch(() => undefined);
      return element;
    },
    detach(element) {
      if (element.srcObject === stream) element.srcObject = null;
      return element;
    },
  };
}
