import type { MediaStatus } from "../../../api/types";

interface MediaBannerProps {
  mediaStatus: MediaStatus;
  audience: "host" | "student";
}

/** Says plainly when a live class runs without video, and that it still runs. */
export function MediaBanner({ mediaStatus, audience }: MediaBannerProps) {
  if (mediaStatus !== "degraded" && mediaStatus !== "disabled") return null;
  const message =
    mediaStatus === "degraded"
      ? audience === "host"
        ? "The video server can't be reached, so students can't see or hear you right now. The class is live and everything else keeps working."
        : "Video isn't available right now. The class is still on, and updates keep arriving here."
      : audience === "host"
        ? "Live video is turned off on this server. The class runs without camera and microphone."
        : "This class has no live video. Everything else works as usual.";
  return (
    <div className="banner banner--warning media-banner" role="status">
      <strong>{mediaStatus === "degraded" ? "Video degraded." : "Video off."}</strong> {message}
    </div>
  );
}
