import { type MouseEvent, useLayoutEffect, useRef } from "react";
import type { ChatMutes } from "../../../events/interactions";
import { ProblemMessage } from "../../../shared/components/InlineError";
import type { ChatModeration } from "../hooks/useChatModeration";
import type { EarlierChatView } from "../hooks/useEarlierChat";
import { ChatMessageItem } from "./ChatMessageItem";

interface ChatMessageListProps {
  earlier: EarlierChatView;
  viewerId: string | null;
  staff: boolean;
  mutes: ChatMutes;
  moderation: ChatModeration;
}

/**
 * Keeps the newest message in view while the reader is at the bottom; leaves them be when
 * they scrolled up; and when earlier messages go in above, keeps what they were reading
 * where it was.
 */
export function ChatMessageList({ earlier, viewerId, staff, mutes, moderation }: ChatMessageListProps) {
  const { messages } = earlier;
  const scroller = useRef<HTMLDivElement | null>(null);
  const atBottom = useRef(true);
  // Distance from the top of the reader's view to the end of the list: messages put above do not change it.
  const fromBottom = useRef(0);
  const firstSeq = messages[0]?.seq;
  const shownFirstSeq = useRef(firstSeq);
  const last = messages.at(-1)?.id;

  useLayoutEffect(() => {
    const element = scroller.current;
    const before = shownFirstSeq.current;
    shownFirstSeq.current = firstSeq;
    // Only for messages put above (not for the oldest let go of by the cap). Setting it from
    // the bottom is a no-op when the browser's scroll anchoring already kept the place.
    if (element && before !== undefined && firstSeq !== undefined && firstSeq < before) {
      element.scrollTop = element.scrollHeight - fromBottom.current;
    }
  }, [firstSeq]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [last]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element) fromBottom.current = element.scrollHeight - element.scrollTop;
  });

  if (messages.length === 0) {
    return (
      <div className="chat__scroller chat__scroller--empty">
        <p className="empty-state__title">No messages yet</p>
        <p className="muted small">Messages everyone in the class can read appear here.</p>
      </div>
    );
  }
  return (
    <div
      className="chat__scroller"
      ref={scroller}
      role="log"
      aria-label="Chat messages"
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
        fromBottom.current = element.scrollHeight - element.scrollTop;
      }}
    >
      <EarlierControl earlier={earlier} />
      <ol className="chat__messages">
        {messages.map((message) => (
          <ChatMessageItem
            key={message.id}
            message={message}
            own={message.author_id !== null && message.author_id === viewerId}
            staff={staff}
            muted={message.author_id !== null && mutes[message.author_id]?.muted === true}
            moderation={moderation}
          />
        ))}
      </ol>
    </div>
  );
}

/** "Load earlier messages" at the top of the list, its progress and failure, or the beginning of the chat. */
function EarlierControl({ earlier }: { earlier: EarlierChatView }) {
  const marker = useRef<HTMLParagraphElement | null>(null);
  // The button goes away at the beginning: the keyboard's place moves to the marker that takes its place.
  const focusMarker = useRef(false);
  const showMarker = !earlier.more && earlier.beginning;

  useLayoutEffect(() => {
    if (showMarker && focusMarker.current) marker.current?.focus({ preventScroll: true });
    focusMarker.current = false;
  }, [showMarker]);

  function onClick(event: MouseEvent<HTMLButtonElement>) {
    if (earlier.loading) return;
    focusMarker.current = document.activeElement === event.currentTarget;
    earlier.load();
  }

  return (
    <div className="chat__earlier">
      <ProblemMessage what="Couldn't load earlier messages." problem={earlier.failure} />
      {earlier.more ? (
        // aria-disabled, not disabled: a disabled button would drop the keyboard's place while loading.
        <button type="button" className="button button--small" aria-disabled={earlier.loading} onClick={onClick}>
          {earlier.loading ? "Loading earlier messages…" : earlier.failure ? "Try again" : "Load earlier messages"}
        </button>
      ) : showMarker ? (
        <p className="muted small" ref={marker} tabIndex={-1}>
          Beginning of the chat
        </p>
      ) : null}
    </div>
  );
}
