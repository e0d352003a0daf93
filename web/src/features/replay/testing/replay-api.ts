/** A FakeFetch playing a replay's api for component tests (only tests import this module). */
import { FakeFetch, json, noContent, problem } from "../../../api/testing/fake-fetch";
import { SESSION_ID, aCourse, aSession } from "../../../api/testing/fixtures";
import type {
  ReplayChatMessage,
  Replay,
  Role,
  SearchHit,
  TranscriptSegment,
} from "../../../api/types";
import { aDeck } from "../../studio/testing/fixtures";

export const REPLAY_PATH = `/api/v1/sessions/${SESSION_ID}/replay`;

export interface ReplayApiOptions {
  replay?: Replay | Replay[];
  role?: Role;
  /** The transcript, served in pages of the size asked for. */
  transcript?: readonly TranscriptSegment[];
  chat?: readonly ReplayChatMessage[];
  hits?: readonly SearchHit[];
  captions?: string;
}

/** The class, its course, the manifest (in order, the last repeating), transcript pages, chat, captions, search, decks. */
export function replayApi(options: ReplayApiOptions = {}): FakeFetch {
  const replays = Array.isArray(options.replay) ? options.replay : options.replay ? [options.replay] : [];
  const transcript = options.transcript ?? [];
  const fake = new FakeFetch()
    .on(
      "GET",
      `/api/v1/sessions/${SESSION_ID}`,
      json(200, aSession({ course_id: "c1", status: "ended", started_at: "2026-11-25T10:00:00Z", ended_at: "2026-11-25T10:50:00Z", replay_status: "ready" })),
    )
    .on("GET", "/api/v1/courses/c1", json(200, aCourse({ id: "c1", my_role: options.role ?? "student" })))
    .on("GET", REPLAY_PATH, ...replays.map((replay) => json(200, replay)))
    .on("GET", /\/replay\/transcript\?/, (request) => {
      const query = new URL(request.path, "http://fake.test").searchParams;
      const start = Number(query.get("cursor") ?? 0);
      const limit = Number(query.get("limit") ?? 100);
      const items = transcript.filter((segment) => segment.idx >= start).slice(0, limit + 1);
      const next = items.length > limit ? String(items[limit]?.idx) : null;
      return json(200, { items: items.slice(0, limit), next_cursor: next })(request);
    })
    .on("GET", `${REPLAY_PATH}/chat`, json(200, { items: options.chat ?? [] }))
    .on("GET", /\/replay\/search\?/, (request) => {
      const query = new URL(request.path, "http://fake.test").searchParams.get("q");
      return json(200, { query, items: options.hits ?? [] })(request);
    })
    .on("PUT", `${REPLAY_PATH}/position`, noContent())
    .on("GET", /^\/api\/v1\/assets\//, json(200, aDeck(3)));
  if (options.captions !== undefined) {
    const body = options.captions;
    fake.on("GET", `${REPLAY_PATH}/captions.vtt`, () => new Response(body, { status: 200, headers: { "Content-Type": "text/vtt" } }));
  } else {
    fake.on("GET", `${REPLAY_PATH}/captions.vtt`, problem(409, "replay-not-ready", "Captions not ready."));
  }
  return fake;
}
