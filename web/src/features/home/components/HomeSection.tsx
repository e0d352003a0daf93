import type { ReactNode } from "react";

interface HomeSectionProps {
  id: string;
  title: string;
  /** Shown instead of the children when set (the section's empty state). */
  empty: string | null;
  action?: ReactNode;
  children?: ReactNode;
}

/** One block of the home page: a titled region, its empty state or its list. */
export function HomeSection({ id, title, empty, action, children }: HomeSectionProps) {
  return (
    <section className="home-section" aria-labelledby={id}>
      <div className="home-section__header">
        <h2 id={id}>{title}</h2>
        {action}
      </div>
      {empty !== null ? <p className="home-section__empty muted">{empty}</p> : children}
    </section>
  );
}
