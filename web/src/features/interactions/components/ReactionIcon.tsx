import { CircleQuestionMark, Heart, Laugh, type LucideIcon, PartyPopper, Sparkles, ThumbsUp, createLucideIcon } from "lucide-react";
import type { ReactionEmoji } from "../../../api/types";
import { Icon } from "../../../shared/icons/Icon";

/** 😮 in the set's own line style (lucide has no surprised face): eyes and an open mouth. */
const Surprised = createLucideIcon("surprised", [
  ["circle", { cx: "12", cy: "12", r: "10", key: "face" }],
  ["circle", { cx: "12", cy: "15.5", r: "2.5", key: "mouth" }],
  ["line", { x1: "9", x2: "9.01", y1: "9", y2: "9", key: "left-eye" }],
  ["line", { x1: "15", x2: "15.01", y1: "9", y2: "9", key: "right-eye" }],
]);

/** Each reaction the api takes, drawn from the bundled icons, with its colour (CSS). */
const GLYPHS: Record<ReactionEmoji, { glyph: LucideIcon; tone: string }> = {
  "👍": { glyph: ThumbsUp, tone: "blue" },
  "❤️": { glyph: Heart, tone: "red" },
  "😂": { glyph: Laugh, tone: "yellow" },
  "😮": { glyph: Surprised, tone: "yellow" },
  "👏": { glyph: Sparkles, tone: "yellow" },
  "❓": { glyph: CircleQuestionMark, tone: "purple" },
  "🎉": { glyph: PartyPopper, tone: "green" },
};

export function ReactionIcon({ emoji }: { emoji: string }) {
  const drawn = GLYPHS[emoji as ReactionEmoji] ?? GLYPHS["👍"];
  return (
    <span className="reaction-icon-box" data-reaction={emoji}>
      <Icon glyph={drawn.glyph} className={`reaction-icon reaction-icon--${drawn.tone}`} />
    </span>
  );
}
