import { useEffect, useState } from "react";

/**
 * The current time (ms since the epoch), updated every `intervalMs` while `active`:
 * for running clocks and "12 s ago". Inactive, it keeps the last value and costs nothing.
 */
export function useNow(intervalMs = 1000, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}
