import { useId, useLayoutEffect, useRef, useState } from "react";
import type { ChatMessage } from "../../../api/types";
import type { ChatModeration } from "../hooks/useChatModeration";
import { formatClock } from "../lib/format-time";

const MUTE_CHOICES: readonly { value: string; label: string }[] = [
  { value: "5", label: "5 minutes" },
  { value: "15", label: "15 minutes" },
  { value: "60", label: "1 hour" },
  { value: "rest", label: "Rest of the class" },
];

interface ChatMessageItemProps {
  message: ChatMessage;
  own: boolean;
  staff: boolean;
  /** Its author is muted (the feed said so). */
  muted: boolean;
  moderation: ChatModeration;
}

/** One message: author, time, badges, the text (plain), and the actions this viewer may take on it. */
export function ChatMessageItem({ message, own, staff, muted, moderation }: ChatMessageItemProps) {
  const [choosingMute, setChoosingMute] = useState(false);
  const busy = moderation.action.busy;
  const author = message.author_name ?? "Someone";
  if (message.deleted) {
    return (
      <li className="chat__message chat__message--deleted">
        <p className="chat__body">Message deleted</p>
      </li>
    );
  }
  const authorId = message.author_id;
  const canMute = staff && !own && authorId !== null;
  return (
    <li className={message.pinned ? "chat__message chat__message--pinned" : "chat__message"}>
      <p className="chat__meta">
        <span className="chat__author">{own ? `${author} (you)` : author}</span>
        <time dateTime={message.created_at} className="chat__time">
          {formatClock(message.created_at)}
        </time>
        {message.pinned ? <span className="badge badge--muted">Pinned</span> : null}
        {muted ? <span className="badge badge--muted">Muted</span> : null}
      </p>
      {/* Plain text: React escapes it; line breaks are kept by CSS. */}
      <p className="chat__body">{message.body}</p>
      {own || staff ? (
        <div className="chat__actions" role="group" aria-label={`Actions for ${author}'s message`}>
          {staff ? (
            <button
              type="button"
              className="button button--small"
              disabled={busy !== null}
              onClick={() => moderation.pin(message, !message.pinned)}
            >
              {message.pinned ? "Unpin" : "Pin"}
            </button>
          ) : null}
          <button type="button" className="button button--small" disabled={busy !== null} onClick={() => moderation.remove(message)}>
            Delete
          </button>
          {canMute && muted ? (
            <button type="button" className="button button--small" disabled={busy !== null} onClick={() => moderation.unmute(authorId)}>
              Unmute
            </button>
          ) : null}
          {canMute && !muted && !choosingMute ? (
            <button type="button" className="button button--small" onClick={() => setChoosingMute(true)}>
              Mute…
            </button>
          ) : null}
        </div>
      ) : null}
      {canMute && !muted && choosingMute ? (
        <MutePicker
          author={author}
          busy={busy === `mute:${authorId}`}
          onMute={async (minutes) => {
            if (await moderation.mute(authorId, minutes)) setChoosingMute(false);
          }}
          onCancel={() => setChoosingMute(false)}
        />
      ) : null}
    </li>
  );
}

function MutePicker({
  author,
  busy,
  onMute,
  onCancel,
}: {
  author: string;
  busy: boolean;
  onMute(minutes: number | null): void;
  onCancel(): void;
}) {
  const id = useId();
  const [choice, setChoice] = useState("5");
  const select = useRef<HTMLSelectElement | null>(null);
  useLayoutEffect(() => select.current?.focus(), []);
  return (
    <form
      className="chat__mute"
      aria-label={`Mute ${author}`}
      onSubmit={(event) => {
        event.preventDefault();
        onMute(choice === "rest" ? null : Number(choice));
      }}
    >
      <label htmlFor={id}>Mute {author} for</label>
      <select id={id} ref={select} className="input select" value={choice} onChange={(event) => setChoice(event.target.value)}>
        {MUTE_CHOICES.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <button type="submit" className="button button--small button--danger" disabled={busy}>
        {busy ? "Muting…" : "Mute"}
      </button>
      <button type="button" className="button button--small" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
