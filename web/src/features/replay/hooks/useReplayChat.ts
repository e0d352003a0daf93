import { useMemo } from "react";
import type { ProblemError } from "../../../api/problem";
import type { ReplayChatMessage } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { useResource } from "../../../shared/hooks/useResource";
import { getReplayChat } from "../lib/replay-api";
import { type Times, inTimeOrder, timesOf } from "../lib/timeline";

export interface ReplayChatLog {
  status: "loading" | "ready" | "error";
  error: ProblemError | null;
  reload(): void;
  /** The messages in time order (empty until loaded). */
  messages: readonly ReplayChatMessage[];
  /** Their times, for how many had been posted by the playhead (binary search). */
  times: Times;
}

const NO_MESSAGES: readonly ReplayChatMessage[] = [];

/** The class's chat on the recording's clock, loaded once (in the background). */
export function useReplayChat(sessionId: string): ReplayChatLog {
  const api = useApi();
  const { status, data, error, reload } = useResource(
    async (signal) => (await getReplayChat(api, sessionId, signal)).items,
    [api, sessionId],
  );
  const loaded = data ?? NO_MESSAGES;
  const messages = useMemo(() => inTimeOrder(loaded, (message) => message.at_ms), [loaded]);
  const times = useMemo(() => timesOf(messages, (message) => message.at_ms), [messages]);
  return useMemo(() => ({ status, error, reload, messages, times }), [status, error, reload, messages, times]);
}
