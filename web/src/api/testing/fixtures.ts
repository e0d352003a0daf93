/** Ready-made wire objects for tests. */
import type {
  Course,
  Invite,
  JoinResponse,
  Member,
  RecordingSnapshot,
  Session,
  SessionState,
  AccessGrant,
  User,
} from "../types";

export function aUser(overrides: Partial<User> = {}): User {
  return {
    id: "user-ada",
    email: "ada@example.org",
    display_name: "Ada Lovelace",
    auth_provider: "local",
    is_platform_admin: false,
    ...overrides,
  };
}

let tokenCounter = 0;

/** What sign-in and refresh answer (the refresh token is an HttpOnly cookie, not here). */
export function anAccessGrant(user: User = aUser(), overrides: Partial<AccessGrant> = {}): AccessGrant {
  tokenCounter += 1;
  return {
    access_token: `access-${tokenCounter}`,
    token_type: "Bearer",
    expires_in: 900,
    user,
    ...overrides,
  };
}

export function aCourse(overrides: Partial<Course> = {}): Course {
  return {
    id: "course-photosynthesis",
    title: "Photosynthesis",
    description: "Light reactions and the Calvin cycle.",
    owner_id: "user-ada",
    created_at: "2025-01-06T09:00:00Z",
    archived_at: null,
    record_by_default: true,
    my_role: "owner",
    ...overrides,
  };
}

export function aMember(overrides: Partial<Member> = {}): Member {
  return {
    user_id: "user-grace",
    display_name: "Grace Hopper",
    email: "grace@example.org",
    role: "student",
    added_at: "2025-01-07T10:00:00Z",
    ...overrides,
  };
}

export function anInvite(overrides: Partial<Invite> = {}): Invite {
  return {
    id: "invite-1",
    code: "JOIN-PHOTO",
    role: "student",
    expires_at: null,
    max_uses: null,
    uses: 0,
    created_at: "2025-01-07T10:00:00Z",
    ...overrides,
  };
}

export const SESSION_ID = "5e55a0f0-0000-4000-8000-000000000001";

export function aSession(overrides: Partial<Session> = {}): Session {
  return {
    id: SESSION_ID,
    course_id: "c0c0c0c0-0000-4000-8000-000000000001",
    title: "Photosynthesis — Week 3",
    description: "",
    status: "scheduled",
    scheduled_start: "2026-11-25T10:00:00Z",
    scheduled_end: "2026-11-25T11:00:00Z",
    started_at: null,
    ended_at: null,
    media_status: "unknown",
    replay_status: "none",
    recording_enabled: true,
    last_seq: 1,
    created_at: "2026-11-20T09:00:00Z",
    ending_reason: null,
    ending_at: null,
    ...overrides,
  };
}

export function aSessionState(overrides: Partial<SessionState> = {}, session: Partial<Session> = {}): SessionState {
  const full = aSession(session);
  return {
    as_of_seq: full.last_seq,
    session: full,
    media_status: full.media_status,
    participant_count: 0,
    questions: [],
    hands: [],
    ...overrides,
  };
}

export const RECORDING_ID = "2ec0d000-0000-4000-8000-000000000001";

/** The class's recording as `/state` gives it; recording since 10:00:05 unless told otherwise. */
export function aRecording(overrides: Partial<RecordingSnapshot> = {}): RecordingSnapshot {
  return {
    recording_id: RECORDING_ID,
    status: "recording",
    started_at: "2026-11-25T10:00:05Z",
    error: null,
    unrecorded: null,
    ...overrides,
  };
}

export function aJoinResponse(state: SessionState = aSessionState(), overrides: Partial<JoinResponse> = {}): JoinResponse {
  const live = state.session.status === "live" && state.media_status === "ok";
  return {
    livekit_url: live ? "ws://127.0.0.1:57880" : null,
    token: live ? "livekit-token" : null,
    role: "participant",
    identity: "user-grace",
    state,
    ...overrides,
  };
}
