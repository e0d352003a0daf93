import type { ChatMessage } from "../../../api/types";

interface PinnedMessagesProps {
  pinned: readonly ChatMessage[];
  /** Staff unpin; null for everyone else. */
  onUnpin: ((message: ChatMessage) => void) | null;
  busy: boolean;
}

/** The pinned messages above the chat, most recently pinned first; nothing when none is. */
export function PinnedMessages({ pinned, onUnpin, busy }: PinnedMessagesProps) {
  if (pinned.length === 0) return null;
  return (
    <section className="chat__pinned" aria-label="Pinned messages">
      <h3 className="chat__pinned-title">Pinned</h3>
      <ul>
        {pinned.map((message) => (
          <li key={message.id}>
            <span className="chat__author">{message.author_name ?? "Someone"}</span>{" "}
            <span className="chat__body">{message.body}</span>
            {onUnpin ? (
              <button type="button" className="button button--link" disabled={busy} onClick={() => onUnpin(message)}>
                Unpin
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
