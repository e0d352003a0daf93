import { memo, useCallback, useId, useLayoutEffect, useRef, useState } from "react";
import { PartError } from "../../../shared/components/ErrorState";
import type { ReplayChatMessage } from "../../../api/types";
import type { ReplayChatLog } from "../hooks/useReplayChat";
import { usePlayheadValue } from "../hooks/usePlayheadValue";
import { formatMediaTime } from "../lib/format-media-time";
import type { Playhead } from "../lib/playhead";
import { messagesPostedBy } from "../lib/timeline";

/** Messages shown at once; "Show earlier messages" adds this many more. */
export const CHAT_WINDOW = 100;

/**
 * The chat as it was at the playhead: the messages posted by then, the latest at the
 * bottom and kept in view (unless the reader scrolled up). Only the last `CHAT_WINDOW`
 * are rendered, so a class of thousands of messages costs no more than one of a hundred.
 */
export function ChatReplay({ chat, playhead }: { chat: ReplayChatLog; playhead: Playhead }) {
  const headingId = useId();
  const { messages, times } = chat;
  const posted = usePlayheadValue(playhead, useCallback((ms: number) => messagesPostedBy(times, ms), [times]));
  const [windowSize, setWindowSize] = useState(CHAT_WINDOW);
  const scroller = useRef<HTMLDivElement | null>(null);
  const atBottom = useRef(true);
  const from = Math.max(0, posted - windowSize);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [posted]);

  return (
    <section className="replay-class__section replay-chat" aria-labelledby={headingId}>
      <h3 id={headingId} className="replay-panel__subtitle">
        Chat <span className="count">{posted}</span>
      </h3>
      {chat.status === "loading" ? <p className="muted small">Loading the chat…</p> : null}
      {chat.status === "error" ? <PartError what="Couldn't load the chat." problem={chat.error} onRetry={chat.reload} /> : null}
      {chat.status === "ready" && posted === 0 ? (
        <p className="muted small">{messages.length === 0 ? "Nobody wrote in the chat." : "No messages yet at this point."}</p>
      ) : null}
      {posted > 0 ? (
        <div
          className="replay-chat__scroller"
          ref={scroller}
          tabIndex={0}
          role="group"
          aria-label="Chat messages up to this moment"
          onScroll={(event) => {
            const element = event.currentTarget;
            atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
          }}
        >
          {from > 0 ? (
            <button type="button" className="button button--small replay-chat__earlier" onClick={() => setWindowSize((size) => size + CHAT_WINDOW)}>
              Show earlier messages ({from})
            </button>
          ) : null}
          <ol className="replay-chat__messages">
            {messages.slice(from, posted).map((message) => (
              <ChatLine key={message.id} message={message} />
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}

const ChatLine = memo(function ChatLine({ message }: { message: ReplayChatMessage }) {
  return (
    <li className={message.pinned ? "chat__message chat__message--pinned" : "chat__message"} data-at-ms={message.at_ms}>
      <p className="chat__meta">
        <span className="chat__author">{message.author_name ?? "Someone"}</span>
        <span className="chat__time">{formatMediaTime(message.at_ms)}</span>
        {message.pinned ? <span className="badge badge--muted">Pinned</span> : null}
      </p>
      <p className="chat__body">{message.body}</p>
    </li>
  );
});
