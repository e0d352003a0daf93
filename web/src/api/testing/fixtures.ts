/** Ready-made wire objects for tests. */
import type { Course, Invite, Member, TokenPair, User } from "../types";

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

export function aTokenPair(user: User = aUser(), overrides: Partial<TokenPair> = {}): TokenPair {
  tokenCounter += 1;
  return {
    access_token: `access-${tokenCounter}`,
    refresh_token: `refresh-${tokenCounter}`,
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
