import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { useAuth } from "../../../auth/useAuth";
import { type InteractionSlices, interactionsOf } from "../../../events/interactions";
import type { FeedSnapshot } from "../../../events/session-feed";
import { useNow } from "../../../shared/hooks/useNow";
import { formatAgo } from "../../../shared/lib/format-duration";
import { openQuestionCount } from "../lib/questions";
import { ChatPanel } from "./ChatPanel";
import { HostPolls } from "./HostPolls";
import { QaPanel } from "./QaPanel";
import { ReactionsBar } from "./ReactionsBar";
import { StudentPoll } from "./StudentPoll";

type Tab = "chat" | "qa" | "polls";
const TABS: readonly Tab[] = ["chat", "qa", "polls"];

interface InteractionsColumnProps {
  sessionId: string;
  /** The live snapshot (`LiveSession.state`): its chat, questions, poll and reactions. */
  state: InteractionSlices;
  /** Host or moderator: moderation and poll controls. Students never get them. */
  staff: boolean;
  /** The live feed, to be honest when updates are late. */
  feed: FeedSnapshot | null;
  /** Show the class's reactions in the column (the studio; the classroom has its bar under the stage). */
  showReactions?: boolean;
}

/** Chat, Q&A and polls as tabs: [Chat] [Q&A n] [Polls]. Arrow keys move between tabs. */
export function InteractionsColumn({ sessionId, state, staff, feed, showReactions = false }: InteractionsColumnProps) {
  const { user } = useAuth();
  const viewerId = user?.id ?? null;
  const interactions = interactionsOf(state);
  const [tab, setTab] = useState<Tab>("chat");
  const id = useId();
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ chat: null, qa: null, polls: null });

  const unread = useUnread(interactions.chat.latest, tab === "chat", viewerId);
  const openQuestions = openQuestionCount(interactions.questions);
  const pollOpen = interactions.poll?.status === "open";

  function onTabKey(event: KeyboardEvent<HTMLButtonElement>) {
    const index = TABS.indexOf(tab);
    let next: Tab | undefined;
    if (event.key === "ArrowRight") next = TABS[(index + 1) % TABS.length];
    else if (event.key === "ArrowLeft") next = TABS[(index - 1 + TABS.length) % TABS.length];
    else if (event.key === "Home") next = TABS[0];
    else if (event.key === "End") next = TABS[TABS.length - 1];
    if (next === undefined) return;
    event.preventDefault();
    setTab(next);
    tabRefs.current[next]?.focus();
  }

  const tabProps = (name: Tab) => ({
    id: `${id}-${name}-tab`,
    role: "tab",
    type: "button" as const,
    "aria-selected": tab === name,
    "aria-controls": `${id}-${name}-panel`,
    tabIndex: tab === name ? 0 : -1,
    className: tab === name ? "interactions__tab interactions__tab--active" : "interactions__tab",
    onClick: () => setTab(name),
    onKeyDown: onTabKey,
    ref: (element: HTMLButtonElement | null) => {
      tabRefs.current[name] = element;
    },
  });
  const panelProps = (name: Tab) => ({
    id: `${id}-${name}-panel`,
    role: "tabpanel",
    "aria-labelledby": `${id}-${name}-tab`,
    hidden: tab !== name,
    className: "interactions__panel",
  });

  return (
    <section className="interactions" aria-label="Class interactions">
      <div className="interactions__tabs" role="tablist" aria-label="Chat, questions and polls">
        <button {...tabProps("chat")}>
          Chat{" "}
          {unread > 0 ? (
            <span className="count">
              {unread}
              <span className="visually-hidden"> new</span>
            </span>
          ) : null}
        </button>
        <button {...tabProps("qa")}>
          Q&amp;A{" "}
          {openQuestions > 0 ? (
            <span className="count">
              {openQuestions}
              <span className="visually-hidden"> open</span>
            </span>
          ) : null}
        </button>
        <button {...tabProps("polls")}>
          Polls{" "}
          {pollOpen ? <span className="interactions__live-dot">open</span> : null}
        </button>
      </div>
      <RealtimeLag feed={feed} />
      {showReactions ? <ReactionsBar sessionId={sessionId} burst={interactions.reactions} canReact={false} /> : null}
      {/* Panels stay mounted while hidden, so a half-written message or poll survives a tab change. */}
      <div {...panelProps("chat")}>
        <ChatPanel sessionId={sessionId} interactions={interactions} viewerId={viewerId} staff={staff} />
      </div>
      <div {...panelProps("qa")}>
        <QaPanel sessionId={sessionId} questions={interactions.questions} viewerId={viewerId} staff={staff} />
      </div>
      <div {...panelProps("polls")}>
        {staff ? (
          <HostPolls sessionId={sessionId} live={interactions.poll} />
        ) : (
          <StudentPoll sessionId={sessionId} poll={interactions.poll} />
        )}
      </div>
    </section>
  );
}

/** Messages from others that arrived while the chat tab was not shown. */
function useUnread(messages: readonly { seq: number; author_id: string | null }[], reading: boolean, viewerId: string | null) {
  const newest = messages.at(-1)?.seq ?? 0;
  const [seen, setSeen] = useState(newest);
  useEffect(() => {
    if (reading) setSeen(newest);
  }, [reading, newest]);
  if (reading) return 0;
  return messages.filter((message) => message.seq > seen && message.author_id !== viewerId).length;
}

/** Says so when live updates are late: what is shown may be behind the class. */
function RealtimeLag({ feed }: { feed: FeedSnapshot | null }) {
  const reconnecting = feed?.status === "reconnecting";
  const now = useNow(1000, reconnecting);
  if (feed === null || !reconnecting) return null;
  return (
    <p className="interactions__lag">
      Live updates paused: reconnecting. Last update {formatAgo(now - feed.lastHeardAt)}.
    </p>
  );
}
