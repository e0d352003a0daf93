/** Interactions calls: chat, questions, polls and reactions of a live class. */
import type { ApiClient } from "../../../api/client";
import { IDEMPOTENCY_HEADER, IdempotencyKeys } from "../../../api/idempotency";
import type {
  ChatHistory,
  ChatMessage,
  ChatMute,
  ChatSlowMode,
  Poll,
  PollCreate,
  PollList,
  Question,
  ReactionAccepted,
  ReactionEmoji,
} from "../../../api/types";

const sessionPath = (sessionId: string) => `/api/v1/sessions/${encodeURIComponent(sessionId)}`;
const part = (id: string) => encodeURIComponent(id);

/**
 * `Idempotency-Key` headers: `key` when the caller keeps one per draft (a composer sends
 * the same key again after a lost answer, so a message is not posted twice), else a new
 * key (a moderator's click is a new action each time).
 */
function once(key?: string): { headers: Record<string, string> } {
  return { headers: { [IDEMPOTENCY_HEADER]: key ?? new IdempotencyKeys().keyFor(null) } };
}

// --- chat -------------------------------------------------------------------------------

/** A page of messages older than seq `before` (the newest when null), newest first. */
export function chatHistory(
  api: ApiClient,
  sessionId: string,
  before: number | null,
  limit: number,
  signal?: AbortSignal,
): Promise<ChatHistory> {
  const query = new URLSearchParams(before === null ? {} : { before: String(before) });
  query.set("limit", String(limit));
  return api.get<ChatHistory>(`${sessionPath(sessionId)}/chat?${query.toString()}`, signal ? { signal } : {});
}

export function sendChatMessage(api: ApiClient, sessionId: string, body: string, key?: string): Promise<ChatMessage> {
  return api.post<ChatMessage>(`${sessionPath(sessionId)}/chat`, { body }, once(key));
}

export function deleteChatMessage(api: ApiClient, sessionId: string, messageId: string): Promise<void> {
  return api.delete(`${sessionPath(sessionId)}/chat/${part(messageId)}`);
}

export function pinChatMessage(api: ApiClient, sessionId: string, messageId: string, pinned: boolean): Promise<ChatMessage> {
  return api.post<ChatMessage>(`${sessionPath(sessionId)}/chat/${part(messageId)}/pin`, { pinned }, once());
}

/** `minutes` null: for the rest of the class. */
export function muteUser(api: ApiClient, sessionId: string, userId: string, minutes: number | null): Promise<ChatMute> {
  return api.post<ChatMute>(`${sessionPath(sessionId)}/mutes`, { user_id: userId, minutes }, once());
}

export function unmuteUser(api: ApiClient, sessionId: string, userId: string): Promise<void> {
  return api.delete(`${sessionPath(sessionId)}/mutes/${part(userId)}`);
}

export function setSlowMode(api: ApiClient, sessionId: string, seconds: number): Promise<ChatSlowMode> {
  return api.post<ChatSlowMode>(`${sessionPath(sessionId)}/chat/slow-mode`, { seconds }, once());
}

// --- questions --------------------------------------------------------------------------

export function askQuestion(
  api: ApiClient,
  sessionId: string,
  body: string,
  anonymous: boolean,
  key?: string,
): Promise<Question> {
  return api.post<Question>(`${sessionPath(sessionId)}/questions`, { body, anonymous }, once(key));
}

export function voteQuestion(api: ApiClient, sessionId: string, questionId: string, vote: boolean): Promise<Question> {
  const path = `${sessionPath(sessionId)}/questions/${part(questionId)}/vote`;
  return vote ? api.post<Question>(path, undefined, once()) : api.delete<Question>(path);
}

export type QuestionModeration = "answer" | "dismiss" | "reopen";

export function moderateQuestion(
  api: ApiClient,
  sessionId: string,
  questionId: string,
  action: QuestionModeration,
  answerText?: string,
): Promise<Question> {
  const body = action === "answer" && answerText ? { text: answerText } : action === "answer" ? {} : undefined;
  return api.post<Question>(`${sessionPath(sessionId)}/questions/${part(questionId)}/${action}`, body, once());
}

// --- polls ------------------------------------------------------------------------------

export async function listPolls(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<Poll[]> {
  const list = await api.get<PollList>(`${sessionPath(sessionId)}/polls`, signal ? { signal } : {});
  return list.items;
}

export function createPoll(api: ApiClient, sessionId: string, draft: PollCreate, key?: string): Promise<Poll> {
  return api.post<Poll>(`${sessionPath(sessionId)}/polls`, draft, once(key));
}

export type PollTransition = "open" | "close";

export function movePoll(api: ApiClient, sessionId: string, pollId: string, to: PollTransition): Promise<Poll> {
  return api.post<Poll>(`${sessionPath(sessionId)}/polls/${part(pollId)}/${to}`, undefined, once());
}

export function showPollResults(api: ApiClient, sessionId: string, pollId: string, visible: boolean): Promise<Poll> {
  return api.post<Poll>(`${sessionPath(sessionId)}/polls/${part(pollId)}/results`, { visible }, once());
}

export function votePoll(api: ApiClient, sessionId: string, pollId: string, optionIds: string[]): Promise<Poll> {
  return api.request<Poll>("PUT", `${sessionPath(sessionId)}/polls/${part(pollId)}/vote`, {
    body: { option_ids: optionIds },
    ...once(),
  });
}

// --- reactions --------------------------------------------------------------------------

export function react(api: ApiClient, sessionId: string, emoji: ReactionEmoji): Promise<ReactionAccepted> {
  return api.post<ReactionAccepted>(`${sessionPath(sessionId)}/reactions`, { emoji });
}
