import { Fragment, type ReactNode } from "react";

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
    <section className="card home-section" aria-labelledby={id}>
      <div className="section-header">
        <h2 id={id}>{title}</h2>
        {action}
      </div>
      {empty !== null ? <p className="home-section__empty muted">{empty}</p> : children}
    </section>
  );
}

interface HomeListProps<T> {
  id: string;
  title: string;
  /** Said when there are no items. */
  empty: string;
  items: readonly T[];
  keyOf(item: T): string;
  /** One item: an `<li>`. */
  children(item: T): ReactNode;
  footer?: ReactNode;
}

/** A home section that is a list of classes, or its empty state. */
export function HomeList<T>({ id, title, empty, items, keyOf, children, footer }: HomeListProps<T>) {
  return (
    <HomeSection id={id} title={title} empty={items.length === 0 ? empty : null}>
      <ul className="session-list">
        {items.map((item) => (
          <Fragment key={keyOf(item)}>{children(item)}</Fragment>
        ))}
      </ul>
      {footer}
    </HomeSection>
  );
}
