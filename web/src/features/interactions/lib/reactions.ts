/** The reactions a class offers, and how a burst becomes floating emoji. Pure. */
import type { ReactionEmoji } from "../../../api/types";

export const REACTIONS: readonly { emoji: ReactionEmoji; name: string }[] = [
  { emoji: "👍", name: "Thumbs up" },
  { emoji: "❤️", name: "Heart" },
  { emoji: "😂", name: "Laughing" },
  { emoji: "😮", name: "Surprised" },
  { emoji: "👏", name: "Applause" },
  { emoji: "❓", name: "Question" },
  { emoji: "🎉", name: "Celebrate" },
];

/** Emoji drawn for one burst at most: a hundred taps should not fill the screen. */
export const MAX_FLOATS_PER_BURST = 24;

export interface Float {
  key: string;
  emoji: string;
  /** Horizontal start, percent of the bar's width. */
  left: number;
  /** Milliseconds before it starts rising, to spread a burst over its second. */
  delay: number;
}

/**
 * One float per tap, at most `MAX_FLOATS_PER_BURST` in all: every emoji tapped gets one,
 * and the rest are shared in proportion to the counts. `random` in [0, 1) places them.
 */
export function floatsFor(seq: number, counts: Record<string, number>, random: () => number = Math.random): Float[] {
  const entries = Object.entries(counts).filter(([, count]) => count > 0);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return [];
  // Every emoji tapped gets one float; the rest of the budget is shared by count.
  const extra = total - entries.length;
  const scale = extra > 0 ? Math.min(1, (MAX_FLOATS_PER_BURST - entries.length) / extra) : 0;
  const floats: Float[] = [];
  for (const [emoji, count] of entries) {
    const shown = 1 + Math.floor((count - 1) * scale);
    for (let index = 0; index < shown; index++) {
      floats.push({
        key: `${seq}:${emoji}:${index}`,
        emoji,
        left: 5 + random() * 90,
        delay: Math.floor(random() * 900),
      });
    }
  }
  return floats;
}

/** "👍 8 · ❤️ 3": a burst in words for the visually hidden summary. */
export function describeBurst(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([emoji, count]) => `${REACTIONS.find((reaction) => reaction.emoji === emoji)?.name ?? emoji} ${count}`)
    .join(" · ");
}
