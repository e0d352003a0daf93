/**
 * The live class's I/O, provided through React context so component tests can swap in
 * fakes: the live event socket, LiveKit (watch, broadcast) and the camera/microphone.
 */
import { createContext } from "react";
import { browserSocketFactory, liveUrl } from "../../events/live-socket";
import type { SocketFactory } from "../../events/feed-io";
import { startLiveKitBroadcast } from "./lib/livekit-broadcast";
import { connectLiveKitViewer } from "./lib/livekit-viewer";
import type { ConnectViewer, StartBroadcast } from "./lib/media";

export interface LiveServices {
  /** Connections to `/api/v1/sessions/{id}/live`. */
  liveSocket(sessionId: string): SocketFactory;
  connectViewer: ConnectViewer;
  startBroadcast: StartBroadcast;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
}

export const browserLiveServices: LiveServices = {
  liveSocket: (sessionId) => browserSocketFactory(liveUrl(sessionId, window.location)),
  connectViewer: connectLiveKitViewer,
  startBroadcast: startLiveKitBroadcast,
  getUserMedia: (constraints) => {
    const devices = typeof navigator === "undefined" ? undefined : navigator.mediaDevices;
    if (devices?.getUserMedia === undefined) {
      // Browsers only offer cameras to secure pages (https, or localhost).
      return Promise.reject(new DOMException("This page can't use a camera or microphone.", "NotSupportedError"));
    }
    return devices.getUserMedia(constraints);
  },
};

export const LiveServicesContext = createContext<LiveServices>(browserLiveServices);
