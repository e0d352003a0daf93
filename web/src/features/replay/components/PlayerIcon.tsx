/**
 * The player's control icons, drawn inline (no icon font, no emoji: they look the same on
 * every system). Decorative: each button carries its name in `aria-label`.
 */
export type PlayerIconName = "play" | "pause" | "sound" | "muted" | "fullscreen" | "link" | "up" | "down";

const PATHS: Record<PlayerIconName, { fill?: string; stroke?: string }> = {
  play: { fill: "M7 4.5v15l12.5-7.5z" },
  pause: { fill: "M6 4.5h4.5v15H6zM13.5 4.5H18v15h-4.5z" },
  sound: { fill: "M3 9v6h4l5 4V5L7 9z", stroke: "M15.5 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" },
  muted: { fill: "M3 9v6h4l5 4V5L7 9z", stroke: "M16 9l6 6M22 9l-6 6" },
  fullscreen: { stroke: "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" },
  link: {
    stroke: "M10 14a4.5 4.5 0 0 0 6.4 0l3-3a4.5 4.5 0 0 0-6.4-6.4l-1.3 1.3M14 10a4.5 4.5 0 0 0-6.4 0l-3 3a4.5 4.5 0 0 0 6.4 6.4l1.3-1.3",
  },
  up: { stroke: "M6 15l6-6 6 6" },
  down: { stroke: "M6 9l6 6 6-6" },
};

export function PlayerIcon({ name }: { name: PlayerIconName }) {
  const { fill, stroke } = PATHS[name];
  return (
    <svg className="player-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      {fill ? <path d={fill} fill="currentColor" /> : null}
      {stroke ? <path d={stroke} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" /> : null}
    </svg>
  );
}
