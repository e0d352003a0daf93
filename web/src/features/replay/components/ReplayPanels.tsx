import { type KeyboardEvent, type ReactNode, useId, useRef } from "react";

export type PanelName = "transcript" | "chapters" | "class";
const PANELS: readonly PanelName[] = ["transcript", "chapters", "class"];
const LABELS: Record<PanelName, string> = { transcript: "Transcript", chapters: "Chapters", class: "Class" };

interface ReplayPanelsProps {
  tab: PanelName;
  onTab(tab: PanelName): void;
  children: Record<PanelName, ReactNode>;
}

/**
 * Transcript, Chapters and Class (chat, Q&A, polls, highlights) as tabs; arrow keys move
 * between them. Panels stay mounted while hidden, so each keeps its scroll position.
 */
export function ReplayPanels({ tab, onTab, children }: ReplayPanelsProps) {
  const id = useId();
  const tabs = useRef<Record<PanelName, HTMLButtonElement | null>>({ transcript: null, chapters: null, class: null });

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    const index = PANELS.indexOf(tab);
    let next: PanelName | undefined;
    if (event.key === "ArrowRight") next = PANELS[(index + 1) % PANELS.length];
    else if (event.key === "ArrowLeft") next = PANELS[(index - 1 + PANELS.length) % PANELS.length];
    else if (event.key === "Home") next = PANELS[0];
    else if (event.key === "End") next = PANELS[PANELS.length - 1];
    if (next === undefined) return;
    event.preventDefault();
    onTab(next);
    tabs.current[next]?.focus();
  }

  return (
    <div className="replay-panels">
      <div className="interactions__tabs replay-panels__tabs" role="tablist" aria-label="Transcript, chapters and the class">
        {PANELS.map((name) => (
          <button
            key={name}
            ref={(element) => {
              tabs.current[name] = element;
            }}
            id={`${id}-${name}-tab`}
            type="button"
            role="tab"
            aria-selected={tab === name}
            aria-controls={`${id}-${name}-panel`}
            tabIndex={tab === name ? 0 : -1}
            className={tab === name ? "interactions__tab interactions__tab--active" : "interactions__tab"}
            onClick={() => onTab(name)}
            onKeyDown={onKeyDown}
          >
            {LABELS[name]}
          </button>
        ))}
      </div>
      {PANELS.map((name) => (
        <div
          key={name}
          id={`${id}-${name}-panel`}
          role="tabpanel"
          aria-labelledby={`${id}-${name}-tab`}
          hidden={tab !== name}
          className="replay-panels__panel"
        >
          {children[name]}
        </div>
      ))}
    </div>
  );
}
