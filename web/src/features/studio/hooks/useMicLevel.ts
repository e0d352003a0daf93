import { useEffect, useState } from "react";
import { micLevel } from "../lib/devices";

/** The microphone's loudness (0–1), sampled ten times a second, for the level meter. */
export function useMicLevel(stream: MediaStream | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    const AudioContextImpl = typeof window === "undefined" ? undefined : window.AudioContext;
    if (!stream || stream.getAudioTracks().length === 0 || AudioContextImpl === undefined) {
      setLevel(0);
      return;
    }
    const context = new AudioContextImpl();
    const source = context.createMediaStreamSource(stream);
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const timer = window.setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      setLevel(micLevel(samples));
    }, 100);
    return () => {
      window.clearInterval(timer);
      source.disconnect();
      void context.close();
    };
  }, [stream]);
  return level;
}
