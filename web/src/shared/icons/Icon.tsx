import type { LucideIcon } from "lucide-react";

/**
 * A pictogram from the bundled SVG set (lucide-react; Vite puts the ones used in the
 * bundle): never a system font's emoji, so it draws the same on a stock Debian desktop as
 * on a phone. Decorative: the button or text beside it carries the name.
 */
export function Icon({ glyph: Glyph, className }: { glyph: LucideIcon; className?: string }) {
  return <Glyph className={className ? `icon ${className}` : "icon"} aria-hidden="true" focusable="false" />;
}
