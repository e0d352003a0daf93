import { useEffect, useRef } from "react";
import { type PlayerCommand, focusKindOf, playerCommand } from "../lib/keyboard";

/**
 * The player's keyboard shortcuts, on the whole page (see `lib/keyboard.ts` for the map and
 * when a key is left to the focused control).
 */
export function usePlayerKeys(run: (command: PlayerCommand) => void): void {
  const handler = useRef(run);
  handler.current = run;

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.isComposing) return;
      const target = event.target instanceof Element ? event.target : document.activeElement;
      const command = playerCommand(event, focusKindOf(target));
      if (command === null) return;
      event.preventDefault();
      handler.current(command);
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}
