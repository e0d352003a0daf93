import { useEffect, useRef } from "react";
import { type SlideStep, slideStepFor } from "../lib/slide-keys";

/** Calls `onStep` for the slide keys pressed anywhere on the page (not while typing). */
export function useSlideKeys(enabled: boolean, onStep: (step: SlideStep) => void): void {
  const onStepRef = useRef(onStep);
  onStepRef.current = onStep;

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const step = slideStepFor(event);
      if (step === null) return;
      event.preventDefault();
      onStepRef.current(step);
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}
