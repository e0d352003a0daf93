import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import { toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { useNow } from "../../../shared/hooks/useNow";
import { MAX_MESSAGE, composerView } from "../lib/chat-composer";
import { type Refusal, refusalOf } from "../lib/chat-problems";
import { sendChatMessage } from "../lib/interactions-api";

/** The message box: Enter sends, Shift+Enter starts a new line. */
export function ChatComposer({ sessionId, disabled }: { sessionId: string; disabled: boolean }) {
  const api = useApi();
  const id = useId();
  const [body, setBody] = useState("");
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const keys = useRef(new IdempotencyKeys());
  const now = useNow(1000, refusal?.retryAt != null);
  const view = composerView({ body, refusal, now, sending, disabled });

  async function send(event?: FormEvent) {
    event?.preventDefault();
    if (!view.canSend) return;
    setSending(true);
    setRefusal(null);
    try {
      await sendChatMessage(api, sessionId, view.trimmed, keys.current.keyFor({ body: view.trimmed }));
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
        aria-invalid={view.tooLong}
        aria-describedby={`${id}-help`}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="chat__composer-row">
        <p id={`${id}-help`} className={view.tooLong ? "field__error" : "muted small"}>
          {view.tooLong
            ? `${view.trimmed.length} / ${MAX_MESSAGE} characters: shorten your message.`
            : "Enter to send · Shift+Enter for a new line"}
        </p>
        <button type="submit" className="button button--primary button--small" disabled={!view.canSend}>
          {view.sendLabel}
        </button>
      </div>
      {view.refusalMessage ? (
        <p className="chat__refusal" role="alert">
          {view.refusalMessage}
        </p>
      ) : null}
    </form>
  );
}
