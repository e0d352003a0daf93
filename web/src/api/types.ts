/**
 * The api's wire types, named by the Pydantic models that produce them.
 *
 * They come from the api's exported contract: `npm run contracts` regenerates
 * `schema.d.ts` from `docs/contracts/openapi.json`, and `npm run contracts:check` (in
 * `scripts/test.sh`) fails when the two disagree. The rest of the app imports the
 * aliases below, never `schema.d.ts` itself, so a renamed model is a change here only.
 * Calls need no aliases of their own: the client (`client.ts`) takes each call's
 * parameters and body, and gives its response, typed from the path.
 */
import type { components } from "./schema";

type Schemas = components["schemas"];

export type User = Schemas["UserRead"];
export type AccessGrant = Schemas["AccessGrant"];
export type SignInConfig = Schemas["SignInConfig"];
export type SignupRequest = Schemas["SignupRequest"];
export type LoginRequest = Schemas["LoginRequest"];

export type Course = Schemas["CourseRead"];
export type CourseCreate = Schemas["CourseCreate"];
export type CourseUpdate = Schemas["CourseUpdate"];
export type CoursePage = Schemas["CoursePage"];
/** My role in a course; `my_role` is null when I am not a member (a platform admin). */
export type Role = NonNullable<Course["my_role"]>;

export type Member = Schemas["MemberRead"];
export type MemberUpdate = Schemas["MemberUpdate"];
export type AssignableRole = MemberUpdate["role"];

export type Invite = Schemas["InviteRead"];
export type InviteCreate = Schemas["InviteCreate"];
export type InviteList = Schemas["InviteList"];
export type InvitePreview = Schemas["InvitePreview"];
export type InviteAccepted = Schemas["InviteAccepted"];
export type InviteRoleName = Invite["role"];

export type Session = Schemas["SessionRead"];
export type SessionCreate = Schemas["SessionCreate"];
export type SessionUpdate = Schemas["SessionUpdate"];
export type SessionStatus = Schemas["SessionStatus"];
export type SessionState = Schemas["SessionState"];
export type MediaStatus = Schemas["MediaStatus"];
export type ReplayStatus = Schemas["ReplayStatus"];

/**
 * Recording (issue #15): the class's latest recording as `/state` and `/join` give it, moved
 * on by `recording.*` events (`events/recording-reducer.ts`). `unrecorded` is, for staff,
 * why the class is not being recorded right now; null otherwise and always for students.
 */
export type RecordingSnapshot = Schemas["RecordingSnapshot"];
export type RecordingStatus = Schemas["RecordingStatus"];

/** The studio (issue #5): uploaded decks, scenes, what the room shows, the stage and hands. */
export type Asset = Schemas["AssetRead"];
export type AssetStatus = Schemas["AssetStatus"];
export type SlidePage = Schemas["SlidePageRead"];
export type Scene = Schemas["SceneRead"];
export type SceneCreate = Schemas["SceneCreate"];
export type SceneLayout = Schemas["SceneLayout"];
export type StudioSnapshot = Schemas["StudioSnapshot"];
export type StudioDeck = Schemas["DeckRead"];
export type RaisedHand = Schemas["HandRead"];
export type Participant = Schemas["ParticipantRead"];

/** Interactions (issue #6): chat, questions, polls and reactions. */
export type ChatMessage = Schemas["ChatMessageRead"];
export type ChatHistory = Schemas["ChatHistory"];
export type ChatSnapshot = Schemas["ChatSnapshot"];
export type ChatMute = Schemas["ChatMuteRead"];
export type ChatSlowMode = Schemas["ChatSlowMode"];
export type Question = Schemas["QuestionRead"];
export type QuestionStatus = Schemas["QuestionStatus"];
export type Poll = Schemas["PollRead"];
export type PollCreate = Schemas["PollCreate"];
export type PollKind = Schemas["PollKind"];
export type PollStatus = Schemas["PollStatus"];
export type ReactionEmoji = Schemas["ReactionCreate"]["emoji"];
export type ReactionAccepted = Schemas["ReactionAccepted"];

/**
 * Replays (issue #14): the manifest the player reads, its transcript, search and the class
 * on the recording's clock. Every `*_ms` is media time: milliseconds from the start of the
 * recording.
 */
export type Replay = Schemas["ReplayRead"];
export type ReplayMedia = Schemas["ReplayMedia"];
export type ReplayProgress = Schemas["ReplayProgress"];
export type ReplayStepProgress = Schemas["ReplayStepProgress"];
export type ReplaySummary = Schemas["ReplaySummary"];
export type Chapter = Schemas["ChapterRead"];
export type Highlight = Schemas["HighlightRead"];
export type HighlightKind = Schemas["HighlightKind"];
/** What was on screen from `start_ms` to `end_ms` (a deck page, or a scene without one). */
export type ScreenSpan = Schemas["ScreenSpanRead"];
export type ReplayQuestion = Schemas["ReplayQuestion"];
export type ReplayPoll = Schemas["ReplayPoll"];
export type ReplayChat = Schemas["ReplayChat"];
export type ReplayChatMessage = Schemas["ReplayChatMessage"];
export type TranscriptPage = Schemas["TranscriptPage"];
export type TranscriptSegment = Schemas["TranscriptSegmentRead"];
export type SearchHit = Schemas["SearchHit"];
export type SearchHitKind = Schemas["SearchHitKind"];
export type SearchResults = Schemas["SearchResults"];
export type CourseSearchHit = Schemas["CourseSearchHit"];
export type CourseSearchResults = Schemas["CourseSearchResults"];
/** A run of the artifact pipeline (`/internal/artifacts/runs`, hosts only). */
export type PipelineRun = Schemas["RunRead"];

export type EventEnvelope = Schemas["EventEnvelope"];
export type FilteredEvent = Schemas["FilteredEvent"];
export type EventPage = Schemas["EventPage"];
export type EventAudience = Schemas["EventAudience"];

/**
 * `POST /api/v1/sessions/{id}/join`: my role, the state snapshot, and media credentials
 * (`livekit_url`, `token`), which are null while the class is not live, or when live
 * media is disabled or degraded.
 */
export type JoinResponse = Schemas["JoinResponse"];
/** My part in a class, as `/join` and the live socket's `welcome` name it. */
export type SessionRole = JoinResponse["role"];

export type ProblemDocument = Schemas["ProblemDocument"];
export type FieldError = Schemas["FieldError"];

/** Whether a course's roster, or a class's grade column, comes from an LMS (LTI). */
export type LmsLink = Schemas["LmsLink"];
export type RosterSynced = Schemas["RosterSynced"];
export type ScoresPosted = Schemas["ScoresPosted"];
