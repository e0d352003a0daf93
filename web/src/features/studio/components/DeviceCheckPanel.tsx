import { useEffect, useRef } from "react";
import type { DeviceCheck } from "../hooks/useDeviceCheck";
import { useMicLevel } from "../hooks/useMicLevel";

/** The camera preview and the microphone meter, with what to do when a device fails. */
export function DeviceCheckPanel({ devices }: { devices: DeviceCheck }) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const level = useMicLevel(devices.stream);

  useEffect(() => {
    const video = videoRef.current;
    if (video === null) return;
    video.srcObject = devices.stream;
    // Autoplay usually starts it; play() covers browsers that wait (and may be absent in tests).
    if (devices.stream) video.play?.()?.catch(() => undefined);
  }, [devices.stream]);

  return (
    <div className="device-check">
      <div className="stage stage--preview">
        <video ref={videoRef} className="stage__video stage__video--mirrored" aria-label="Your camera preview" autoPlay playsInline muted />
        {devices.status === "starting" ? <p className="stage__overlay">Starting your camera…</p> : null}
        {devices.status === "ready" && !devices.hasCamera ? <p className="stage__overlay">No camera — students will hear you only.</p> : null}
        {devices.status === "error" ? <p className="stage__overlay">Camera off</p> : null}
      </div>
      <div className="device-check__status">
        {devices.status === "ready" ? (
          <ul className="device-list">
            <li>{devices.hasCamera ? "Camera ready" : "No camera"}</li>
            <li>
              {devices.hasMicrophone ? "Microphone ready" : "No microphone"}
              {devices.hasMicrophone ? (
                <meter className="mic-meter" min={0} max={1} low={0.1} high={0.85} optimum={0.5} value={level} aria-label="Microphone level" />
              ) : null}
            </li>
          </ul>
        ) : null}
        {devices.status === "error" ? (
          <div className="device-check__error" role="alert">
            <p>{devices.error}</p>
            <button type="button" className="button button--small" onClick={devices.retry}>
              Try again
            </button>
          </div>
        ) : null}
      </div>
    </div>
  );
}
