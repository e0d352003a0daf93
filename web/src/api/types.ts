/**
 * The api's wire types, named by the Pydantic models that produce them.
 *
 * They come from the api's exported contract: `npm run contracts` regenerates
 * `schema.d.ts` from `docs/contracts/openapi.json`, and `npm run contracts:check` (in
 * `scripts/test.sh`) fails when the two disagree. The rest of the app imports the
 * aliases below, never `schema.d.ts` itself, so a renamed model is a change here only.
 */
import type { components } from "./schema";

type Schemas = components["schemas"];

export type User = Schemas["UserRead"];
export type TokenPair = Schemas["TokenPair"];
export type SignupRequest = Schemas["SignupRequest"];
export type LoginRequest = Schemas["LoginRequest"];
export type RefreshRequest = Schemas["RefreshRequest"];

export type Course = Schemas["CourseRead"];
export type CourseCreate = Schemas["CourseCreate"];
export type CoursePage = Schemas["CoursePage"];
/** My role in a course; `my_role` is null when I am not a member (a platform admin). */
export type Role = NonNullable<Course["my_role"]>;

export type Member = Schemas["MemberRead"];
export type MemberList = Schemas["MemberList"];
export type MemberUpdate = Schemas["MemberUpdate"];
export type AssignableRole = MemberUpdate["role"];

export type Invite = Schemas["InviteRead"];
export type InviteCreate = Schemas["InviteCreate"];
export type InviteList = Schemas["InviteList"];
export type InvitePreview = Schemas["InvitePreview"];
export type InviteAccepted = Schemas["InviteAccepted"];
export type InviteRoleName = Invite["role"];

export type ProblemDocument = Schemas["ProblemDocument"];
export type FieldError = Schemas["FieldError"];
