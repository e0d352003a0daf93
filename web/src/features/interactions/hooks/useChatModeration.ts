import type { ChatMessage } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { type Action, useAction } from "../../../shared/hooks/useAction";
import { deleteChatMessage, muteUser, pinChatMessage, setSlowMode, unmuteUser } from "../lib/interactions-api";

/** What can be done to the chat besides writing in it: staff's moderation, and deleting my own. */
export interface ChatModeration {
  /** The one action running (`pin:<id>`, `delete:<id>`, `mute:<user>`, `slow-mode`) and the last failure. */
  action: Action;
  setSlowMode(seconds: number): void;
  pin(message: ChatMessage, pinned: boolean): void;
  remove(message: ChatMessage): void;
  /** Resolves true when the mute took effect (the picker closes then). */
  mute(userId: string, minutes: number | null): Promise<boolean>;
  unmute(userId: string): void;
}

export function useChatModeration(sessionId: string): ChatModeration {
  const api = useApi();
  const action = useAction();
  return {
    action,
    setSlowMode: (seconds) =>
      void action.run("slow-mode", "Couldn't change slow mode", () => setSlowMode(api, sessionId, seconds)),
    pin: (message, pinned) =>
      void action.run(`pin:${message.id}`, pinned ? "Couldn't pin the message" : "Couldn't unpin the message", () =>
        pinChatMessage(api, sessionId, message.id, pinned),
      ),
    remove: (message) =>
      void action.run(`delete:${message.id}`, "Couldn't delete the message", () =>
        deleteChatMessage(api, sessionId, message.id),
      ),
    mute: (userId, minutes) => action.run(`mute:${userId}`, "Couldn't mute", () => muteUser(api, sessionId, userId, minutes)),
    unmute: (userId) => void action.run(`mute:${userId}`, "Couldn't unmute", () => unmuteUser(api, sessionId, userId)),
  };
}
