import { type Interactions, viewerMute } from "../../../events/interactions";
import { useNow } from "../../../shared/hooks/useNow";
import { useChatModeration } from "../hooks/useChatModeration";
import { useEarlierChat } from "../hooks/useEarlierChat";
import { formatSeconds } from "../lib/chat-composer";
import { formatClock } from "../lib/format-time";
import { ActionAlert } from "./ActionAlert";
import { ChatComposer } from "./ChatComposer";
import { ChatMessageList } from "./ChatMessageList";
import { PinnedMessages } from "./PinnedMessages";
import { SlowModeControl } from "./SlowModeControl";

interface ChatPanelProps {
  sessionId: string;
  interactions: Interactions;
  viewerId: string | null;
  /** Host or moderator: pin, delete anyone's, mute, slow mode. */
  staff: boolean;
}

/**
 * The class chat: messages (plain text), earlier ones on request, pinned ones on top, a
 * composer; moderation for staff.
 */
export function ChatPanel({ sessionId, interactions, viewerId, staff }: ChatPanelProps) {
  const moderation = useChatModeration(sessionId);
  const { action } = moderation;
  const { chat, chatMutes } = interactions;
  const earlier = useEarlierChat(sessionId, chat, interactions.chatChanges);
  // A timed mute ends by itself: the clock runs only while one is in force.
  const timedMute = viewerMute(interactions, viewerId, Date.now())?.until != null;
  const now = useNow(1000, timedMute);
  const mute = viewerMute(interactions, viewerId, timedMute ? now : Date.now());

  return (
    <div className="chat">
      {staff ? (
        <SlowModeControl
          seconds={chat.slow_mode_seconds}
          busy={action.busy === "slow-mode"}
          onChange={moderation.setSlowMode}
        />
      ) : chat.slow_mode_seconds > 0 ? (
        <p className="chat__notice">
          Slow mode is on: one message every {formatSeconds(chat.slow_mode_seconds)}.
        </p>
      ) : null}

      <ActionAlert failure={action.failure} onDismiss={action.dismiss} />

      <PinnedMessages
        pinned={earlier.pinned}
        onUnpin={staff ? (message) => moderation.pin(message, false) : null}
        busy={action.busy !== null}
      />

      <ChatMessageList earlier={earlier} viewerId={viewerId} staff={staff} mutes={chatMutes} moderation={moderation} />

      {mute ? (
        <p className="chat__notice chat__notice--muted" role="status">
          {mute.until === null
            ? "A moderator muted you for the rest of the class."
            : `A moderator muted you until ${formatClock(mute.until)}.`}
        </p>
      ) : null}
      <ChatComposer sessionId={sessionId} disabled={mute !== null} />
    </div>
  );
}
