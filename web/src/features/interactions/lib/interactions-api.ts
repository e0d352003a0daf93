/** Interactions calls: chat, questions, polls and reactions of a live class. */
import type { ApiClient } from "../../../api/client";
import { IDEMPOTENCY_HEADER, IdempotencyKeys } from "../../../api/idempotency";
import { inSession } from "../../../api/params";
import type {
  ChatHistory,
  ChatMessage,
  ChatMute,
  ChatSlowMode,
  Poll,
  PollCreate,
  Question,
  ReactionAccepted,
  ReactionEmoji,
} from "../../../api/types";

const ofMessage = (sessionId: string, messageId: string) => ({ path: { session_id: sessionId, message_id: messageId } });
const ofQuestion = (sessionId: string, questionId: string) => ({
  path: { session_id: sessionId, question_id: questionId },
});
const ofPoll = (sessionId: string, pollId: string) => ({ path: { session_id: sessionId, poll_id: pollId } });

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
  return api.GET("/api/v1/sessions/{session_id}/chat", {
    params: { ...inSession(sessionId), query: { before, limit } },
    signal,
  });
}

export function sendChatMessage(api: ApiClient, sessionId: string, body: string, key?: string): Promise<ChatMessage> {
  return api.POST("/api/v1/sessions/{session_id}/chat", { params: inSession(sessionId), body: { body }, ...once(key) });
}

export function deleteChatMessage(api: ApiClient, sessionId: string, messageId: string): Promise<void> {
  return api.DELETE("/api/v1/sessions/{session_id}/chat/{message_id}", { params: ofMessage(sessionId, messageId) });
}

export function pinChatMessage(api: ApiClient, sessionId: string, messageId: string, pinned: boolean): Promise<ChatMessage> {
  return api.POST("/api/v1/sessions/{session_id}/chat/{message_id}/pin", {
    params: ofMessage(sessionId, messageId),
    body: { pinned },
    ...once(),
  });
}

/** `minutes` null: for the rest of the class. */
export function muteUser(api: ApiClient, sessionId: string, userId: string, minutes: number | null): Promise<ChatMute> {
  return api.POST("/api/v1/sessions/{session_id}/mutes", {
    params: inSession(sessionId),
    body: { user_id: userId, minutes },
    ...once(),
  });
}

export function unmuteUser(api: ApiClient, sessionId: string, userId: string): Promise<void> {
  return api.DELETE("/api/v1/sessions/{session_id}/mutes/{user_id}", {
    params: { path: { session_id: sessionId, user_id: userId } },
  });
}

export function setSlowMode(api: ApiClient, sessionId: string, seconds: number): Promise<ChatSlowMode> {
  return api.POST("/api/v1/sessions/{session_id}/chat/slow-mode", { params: inSession(sessionId), body: { seconds }, ...once() });
}

// --- questions --------------------------------------------------------------------------

export function askQuestion(
  api: ApiClient,
  sessionId: string,
  body: string,
  anonymous: boolean,
  key?: string,
): Promise<Question> {
  return api.POST("/api/v1/sessions/{session_id}/questions", {
    params: inSession(sessionId),
    body: { body, anonymous },
    ...once(key),
  });
}

export function voteQuestion(api: ApiClient, sessionId: string, questionId: string, vote: boolean): Promise<Question> {
  const params = ofQuestion(sessionId, questionId);
  return vote
    ? api.POST("/api/v1/sessions/{session_id}/questions/{question_id}/vote", { params, ...once() })
    : api.DELETE("/api/v1/sessions/{session_id}/questions/{question_id}/vote", { params });
}

export type QuestionModeration = "answer" | "dismiss" | "reopen";

export function moderateQuestion(
  api: ApiClient,
  sessionId: string,
  questionId: string,
  action: QuestionModeration,
  answerText?: string,
): Promise<Question> {
  const params = ofQuestion(sessionId, questionId);
  switch (action) {
    case "answer":
      return api.POST("/api/v1/sessions/{session_id}/questions/{question_id}/answer", {
        params,
        body: answerText ? { text: answerText } : {},
        ...once(),
      });
    case "dismiss":
      return api.POST("/api/v1/sessions/{session_id}/questions/{question_id}/dismiss", { params, ...once() });
    case "reopen":
      return api.POST("/api/v1/sessions/{session_id}/questions/{question_id}/reopen", { params, ...once() });
  }
}

// --- polls ------------------------------------------------------------------------------

export async function listPolls(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<Poll[]> {
  const list = await api.GET("/api/v1/sessions/{session_id}/polls", { params: inSession(sessionId), signal });
  return list.items;
}

export function createPoll(api: ApiClient, sessionId: string, draft: PollCreate, key?: string): Promise<Poll> {
  return api.POST("/api/v1/sessions/{session_id}/polls", { params: inSession(sessionId), body: draft, ...once(key) });
}

export type PollTransition = "open" | "close";

export function movePoll(api: ApiClient, sessionId: string, pollId: string, to: PollTransition): Promise<Poll> {
  const params = ofPoll(sessionId, pollId);
  return to === "open"
    ? api.POST("/api/v1/sessions/{session_id}/polls/{poll_id}/open", { params, ...once() })
    : api.POST("/api/v1/sessions/{session_id}/polls/{poll_id}/close", { params, ...once() });
}

export function showPollResults(api: ApiClient, sessionId: string, pollId: string, visible: boolean): Promise<Poll> {
  return api.POST("/api/v1/sessions/{session_id}/polls/{poll_id}/results", {
    params: ofPoll(sessionId, pollId),
    body: { visible },
    ...once(),
  });
}

export function votePoll(api: ApiClient, sessionId: string, pollId: string, optionIds: string[]): Promise<Poll> {
  return api.PUT("/api/v1/sessions/{session_id}/polls/{poll_id}/vote", {
    params: ofPoll(sessionId, pollId),
    body: { option_ids: optionIds },
    ...once(),
  });
}

// --- reactions --------------------------------------------------------------------------

export function react(api: ApiClient, sessionId: string, emoji: ReactionEmoji): Promise<ReactionAccepted> {
  return api.POST("/api/v1/sessions/{session_id}/reactions", { params: inSession(sessionId), body: { emoji } });
}
