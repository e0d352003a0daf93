import {
  type FormEvent,
  type KeyboardEvent,
  type MouseEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import { type ProblemError, describeProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import type { ChatChanges, ChatMutes, Interactions } from "../../../events/interactions-reducer";
import { viewerMute } from "../../../events/interactions-reducer";
import { useNow } from "../../../shared/hooks/useNow";
import type { ChatMessage, ChatSnapshot } from "../../../api/types";
import { useAction } from "../hooks/useAction";
import {
  CHAT_PAGE_SIZE,
  addPage,
  chatMessages,
  followLatest,
  nextBefore,
  pinnedMessages,
  startEarlierChat,
} from "../lib/chat-history";
import { type Refusal, refusalOf, secondsLeft } from "../lib/chat-problems";
import { formatClock } from "../lib/format-time";
import {
  chatHistory,
  deleteChatMessage,
  muteUser,
  pinChatMessage,
  sendChatMessage,
  setSlowMode,
  unmuteUser,
} from "../lib/interactions-api";
import { ActionAlert } from "./ActionAlert";

export const MAX_MESSAGE = 2000;

const SLOW_MODE_CHOICES: readonly { seconds: number; label: string }[] = [
  { seconds: 0, label: "Off" },
  { seconds: 5, label: "5 s" },
  { seconds: 10, label: "10 s" },
  { seconds: 30, label: "30 s" },
  { seconds: 60, label: "1 min" },
  { seconds: 120, label: "2 min" },
];

const MUTE_CHOICES: readonly { value: string; label: string }[] = [
  { value: "5", label: "5 minutes" },
  { value: "15", label: "15 minutes" },
  { value: "60", label: "1 hour" },
  { value: "rest", label: "Rest of the class" },
];

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
  const api = useApi();
  const action = useAction();
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
          onChange={(seconds) =>
            void action.run("slow-mode", "Couldn't change slow mode", () => setSlowMode(api, sessionId, seconds))
          }
        />
      ) : chat.slow_mode_seconds > 0 ? (
        <p className="chat__notice">
          Slow mode is on: one message every {formatSeconds(chat.slow_mode_seconds)}.
        </p>
      ) : null}

      <ActionAlert failure={action.failure} onDismiss={action.dismiss} />

      {earlier.pinned.length > 0 ? (
        <section className="chat__pinned" aria-label="Pinned messages">
          <h3 className="chat__pinned-title">Pinned</h3>
          <ul>
            {earlier.pinned.map((message) => (
              <li key={message.id}>
                <span className="chat__author">{message.author_name ?? "Someone"}</span>{" "}
                <span className="chat__body">{message.body}</span>
                {staff ? (
                  <button
                    type="button"
                    className="button button--link"
                    disabled={action.busy !== null}
                    onClick={() =>
                      void action.run(`pin:${message.id}`, "Couldn't unpin the message", () =>
                        pinChatMessage(api, sessionId, message.id, false),
                      )
                    }
                  >
                    Unpin
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <MessageList
        messages={earlier.messages}
        earlier={earlier}
        viewerId={viewerId}
        staff={staff}
        mutes={chatMutes}
        busy={action.busy}
        onDelete={(message) =>
          void action.run(`delete:${message.id}`, "Couldn't delete the message", () =>
            deleteChatMessage(api, sessionId, message.id),
          )
        }
        onPin={(message) =>
          void action.run(
            `pin:${message.id}`,
            message.pinned ? "Couldn't unpin the message" : "Couldn't pin the message",
            () => pinChatMessage(api, sessionId, message.id, !message.pinned),
          )
        }
        onMute={(userId, minutes) =>
          action.run(`mute:${userId}`, "Couldn't mute", () => muteUser(api, sessionId, userId, minutes))
        }
        onUnmute={(userId) =>
          void action.run(`mute:${userId}`, "Couldn't unmute", () => unmuteUser(api, sessionId, userId))
        }
      />

      {mute ? (
        <p className="chat__notice chat__notice--muted" role="status">
          {mute.until === null
            ? "A moderator muted you for the rest of the class."
            : `A moderator muted you until ${formatClock(mute.until)}.`}
        </p>
      ) : null}
      <Composer sessionId={sessionId} disabled={mute !== null} />
    </div>
  );
}

function SlowModeControl({
  seconds,
  busy,
  onChange,
}: {
  seconds: number;
  busy: boolean;
  onChange(seconds: number): void;
}) {
  const id = useId();
  const known = SLOW_MODE_CHOICES.some((choice) => choice.seconds === seconds);
  return (
    <div className="chat__moderation">
      <label htmlFor={id}>Slow mode</label>
      <select
        id={id}
        className="input select chat__slow-mode"
        value={String(seconds)}
        disabled={busy}
        onChange={(event) => onChange(Number(event.target.value))}
      >
        {known ? null : <option value={String(seconds)}>{formatSeconds(seconds)}</option>}
        {SLOW_MODE_CHOICES.map((choice) => (
          <option key={choice.seconds} value={String(choice.seconds)}>
            {choice.label}
          </option>
        ))}
      </select>
      {seconds > 0 ? <span className="badge badge--muted">On · {formatSeconds(seconds)}</span> : null}
    </div>
  );
}

/** Earlier pages of the chat, as the panel shows them (see `lib/chat-history.ts`). */
interface EarlierChatView {
  /** Every message to show, oldest first: loaded pages, then the live list. */
  messages: readonly ChatMessage[];
  pinned: readonly ChatMessage[];
  /** There may be older messages to load. */
  more: boolean;
  /** The first message of the chat is shown. */
  beginning: boolean;
  loading: boolean;
  failure: ProblemError | null;
  load(): void;
}

/**
 * Loads earlier pages on request and keeps them in step with the live list: the feed's
 * deletions and pins reach them, and the live list's cap never drops them.
 */
function useEarlierChat(sessionId: string, chat: ChatSnapshot, changes: ChatChanges): EarlierChatView {
  const api = useApi();
  const [stored, setStored] = useState(() => startEarlierChat(chat.latest));
  // Kept in step during render (not in an effect), so a message the cap lets go of is never missing for a frame.
  const earlier = followLatest(stored, chat.latest);
  if (earlier !== stored) setStored((current) => followLatest(current, chat.latest));
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<ProblemError | null>(null);
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);

  const before = nextBefore(earlier, chat.latest);
  const messages = useMemo(() => chatMessages(earlier, chat.latest, changes), [earlier, chat.latest, changes]);
  const pinned = useMemo(() => pinnedMessages(chat.pinned, earlier, changes), [chat.pinned, earlier, changes]);

  async function load() {
    if (running.current !== null || before === null) return;
    const controller = new AbortController();
    running.current = controller;
    setLoading(true);
    setFailure(null);
    try {
      const page = await chatHistory(api, sessionId, before, CHAT_PAGE_SIZE, controller.signal);
      if (!controller.signal.aborted) setStored((current) => addPage(current, page));
    } catch (error) {
      if (!controller.signal.aborted) setFailure(toProblemError(error));
    } finally {
      running.current = null;
      if (!controller.signal.aborted) setLoading(false);
    }
  }

  return {
    messages,
    pinned,
    more: before !== null,
    beginning: earlier.beginning,
    loading,
    failure,
    load: () => void load(),
  };
}

interface MessageListProps {
  messages: readonly ChatMessage[];
  earlier: EarlierChatView;
  viewerId: string | null;
  staff: boolean;
  mutes: ChatMutes;
  busy: string | null;
  onDelete(message: ChatMessage): void;
  onPin(message: ChatMessage): void;
  onMute(userId: string, minutes: number | null): Promise<boolean>;
  onUnmute(userId: string): void;
}

/**
 * Keeps the newest message in view while the reader is at the bottom; leaves them be when
 * they scrolled up; and when earlier messages go in above, keeps what they were reading
 * where it was.
 */
function MessageList({ messages, earlier, viewerId, staff, mutes, busy, onDelete, onPin, onMute, onUnmute }: MessageListProps) {
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
          <MessageItem
            key={message.id}
            message={message}
            own={message.author_id !== null && message.author_id === viewerId}
            staff={staff}
            muted={message.author_id !== null && mutes[message.author_id]?.muted === true}
            busy={busy}
            onDelete={onDelete}
            onPin={onPin}
            onMute={onMute}
            onUnmute={onUnmute}
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
      {earlier.failure ? (
        <p className="field__error" role="alert">
          Couldn&apos;t load earlier messages. {describeProblem(earlier.failure.problem)}
        </p>
      ) : null}
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

interface MessageItemProps {
  message: ChatMessage;
  own: boolean;
  staff: boolean;
  muted: boolean;
  busy: string | null;
  onDelete(message: ChatMessage): void;
  onPin(message: ChatMessage): void;
  onMute(userId: string, minutes: number | null): Promise<boolean>;
  onUnmute(userId: string): void;
}

function MessageItem({ message, own, staff, muted, busy, onDelete, onPin, onMute, onUnmute }: MessageItemProps) {
  const [choosingMute, setChoosingMute] = useState(false);
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
            <button type="button" className="button button--small" disabled={busy !== null} onClick={() => onPin(message)}>
              {message.pinned ? "Unpin" : "Pin"}
            </button>
          ) : null}
          <button
            type="button"
            className="button button--small"
            disabled={busy !== null}
            onClick={() => onDelete(message)}
          >
            Delete
          </button>
          {canMute && muted ? (
            <button type="button" className="button button--small" disabled={busy !== null} onClick={() => onUnmute(authorId)}>
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
            if (await onMute(authorId, minutes)) setChoosingMute(false);
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

/** The message box: Enter sends, Shift+Enter starts a new line. */
function Composer({ sessionId, disabled }: { sessionId: string; disabled: boolean }) {
  const api = useApi();
  const id = useId();
  const [body, setBody] = useState("");
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const keys = useRef(new IdempotencyKeys());
  const now = useNow(1000, refusal?.retryAt != null);
  const wait = refusal ? secondsLeft(refusal, now) : 0;
  const waiting = wait > 0;
  // A wait that is over takes its message with it.
  const shown = refusal !== null && (refusal.retryAt === null || waiting) ? refusal.message : null;
  const trimmed = body.trim();
  const tooLong = trimmed.length > MAX_MESSAGE;

  async function send(event?: FormEvent) {
    event?.preventDefault();
    if (sending || disabled || waiting || trimmed === "" || tooLong) return;
    setSending(true);
    setRefusal(null);
    try {
      await sendChatMessage(api, sessionId, trimmed, keys.current.keyFor({ body: trimmed }));
      keys.current.reset();
      setBody("");
    } catch (error) {
      setRefusal(refusalOf(toProblemError(error), Date.now()));
    } finally {
      setSending(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  return (
    <form className="chat__composer" onSubmit={send} aria-label="Send a message">
      <label htmlFor={id} className="visually-hidden">
        Message
      </label>
      <textarea
        id={id}
        className="input textarea chat__input"
        rows={2}
        placeholder={disabled ? "You can't send messages right now" : "Write a message…"}
        value={body}
        disabled={disabled}
        aria-invalid={tooLong}
        aria-describedby={`${id}-help`}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="chat__composer-row">
        <p id={`${id}-help`} className={tooLong ? "field__error" : "muted small"}>
          {tooLong
            ? `${trimmed.length} / ${MAX_MESSAGE} characters: shorten your message.`
            : "Enter to send · Shift+Enter for a new line"}
        </p>
        <button
          type="submit"
          className="button button--primary button--small"
          disabled={disabled || sending || waiting || trimmed === "" || tooLong}
        >
          {sending ? "Sending…" : waiting ? `Wait ${wait} s` : "Send"}
        </button>
      </div>
      {shown ? (
        <p className="chat__refusal" role="alert">
          {shown}
        </p>
      ) : null}
    </form>
  );
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
