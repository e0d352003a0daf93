import { useCallback } from "react";
import type { Invite, InviteCreate } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { type Resource, useResource } from "../../../shared/hooks/useResource";
import { createInvite, listInvites } from "../lib/invites-api";

export type Invites = Resource<Invite[]> & {
  /** Creates an invite and puts it at the top of the list. Throws a ProblemError. */
  create(draft: InviteCreate): Promise<Invite>;
};

export function useInvites(courseId: string): Invites {
  const api = useApi();
  const invites = useResource((signal) => listInvites(api, courseId, signal), [api, courseId]);
  const { update } = invites;

  const create = useCallback(
    async (draft: InviteCreate) => {
      const invite = await createInvite(api, courseId, draft);
      update((list) => [invite, ...list.filter((other) => other.id !== invite.id)]);
      return invite;
    },
    [api, courseId, update],
  );

  return { ...invites, create };
}
