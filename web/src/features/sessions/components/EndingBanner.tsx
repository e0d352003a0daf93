import type { ReactNode } from "react";
import type { Session } from "../../../api/types";
import { useNow } from "../../../shared/hooks/useNow";
import { endingAnnouncement, endingOf, endingText } from "../lib/ending";

interface EndingBannerProps {
  session: Session;
  audience: "host" | "student";
  /** The host's way to keep the class going (Extend), shown in the banner. */
  action?: ReactNode;
  /** Shown instead of the countdown once the host has answered this warning (e.g. "Extended…"). */
  answered?: ReactNode;
}

/**
 * A live class about to end by itself, with the time left ticking. The sentence a screen
 * reader hears is said once, in a region that is always in the page (the ticking time is
 * not read out every second); `session.ending_canceled` takes the banner away.
 */
export function EndingBanner({ session, audience, action, answered }: EndingBannerProps) {
  const ending = endingOf(session);
  const now = useNow(1000, ending !== null);
  return (
    <>
      <p className="visually-hidden" role="alert">
        {ending && !answered ? endingAnnouncement(ending, audience) : ""}
      </p>
      {ending && answered ? (
        <div className="ending-banner ending-banner--answered" role="status">
          {answered}
        </div>
      ) : null}
      {ending && !answered ? (
        <div className="ending-banner">
          <p className="ending-banner__text">
            <strong>{endingText(ending, session, now, audience)}</strong>
            {audience === "host" && ending.reason === "abandoned" ? (
              <span className="ending-banner__hint"> Keeping this studio open keeps the class going.</span>
            ) : null}
          </p>
          {action}
        </div>
      ) : null}
    </>
  );
}
