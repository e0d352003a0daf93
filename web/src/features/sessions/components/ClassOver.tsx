import type { ReactNode } from "react";
import { Link } from "react-router";

interface ClassOverProps {
  /** `classroom` or `studio`: the card's class (`classroom__over`) and its heading's id. */
  place: "classroom" | "studio";
  status: "ended" | "canceled";
  /** Why a class ended by itself (`session.ended`'s detail), when it did. */
  endedDetail: string | null;
  backTo: string;
  backLabel: string;
  /** What else the place says once the class has ended. */
  children?: ReactNode;
}

/** The card a class page turns into once the class has ended or was canceled. */
export function ClassOver({ place, status, endedDetail, backTo, backLabel, children }: ClassOverProps) {
  const titleId = `${place}-over-title`;
  return (
    <section className={`card ${place}__over`} aria-labelledby={titleId}>
      <h2 id={titleId}>{status === "ended" ? "This class has ended" : "This class was canceled"}</h2>
      {status === "ended" && endedDetail ? <p className="ended-reason">It ended by itself. {endedDetail}</p> : null}
      {status === "ended" ? children : null}
      <Link className="button" to={backTo}>
        {backLabel}
      </Link>
    </section>
  );
}
