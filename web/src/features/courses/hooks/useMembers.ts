import { useCallback, useState } from "react";
import { describeProblem, toProblemError } from "../../../api/problem";
import type { AssignableRole, Member } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { type Resource, useResource } from "../../../shared/hooks/useResource";
import { changeMemberRole, listMembers, removeMember } from "../lib/courses-api";

export type MemberChange = "role" | "remove";

export type Members = Resource<Member[]> & {
  /** Which members have a change in flight, so their row can say so. */
  pending: Readonly<Record<string, MemberChange>>;
  /** The last failed change per member, shown in that member's row. */
  rowErrors: Readonly<Record<string, string>>;
  changeRole(userId: string, role: AssignableRole): Promise<void>;
  remove(userId: string): Promise<boolean>;
};

/** A course's members, with the host's changes applied once the api confirms them. */
export function useMembers(courseId: string): Members {
  const api = useApi();
  const members = useResource((signal) => listMembers(api, courseId, signal), [api, courseId]);
  const [pending, setPending] = useState<Record<string, MemberChange>>({});
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const { update } = members;

  const track = useCallback(async (userId: string, change: MemberChange, run: () => Promise<void>) => {
    setPending((current) => ({ ...current, [userId]: change }));
    setRowErrors(({ [userId]: _cleared, ...rest }) => rest);
    try {
      await run();
      return true;
    } catch (error) {
      setRowErrors((current) => ({ ...current, [userId]: describeProblem(toProblemError(error).problem) }));
      return false;
    } finally {
      setPending(({ [userId]: _done, ...rest }) => rest);
    }
  }, []);

  const changeRole = useCallback(
    async (userId: string, role: AssignableRole) => {
      await track(userId, "role", async () => {
        const changed = await changeMemberRole(api, courseId, userId, role);
        update((list) => list.map((member) => (member.user_id === userId ? changed : member)));
      });
    },
    [api, courseId, track, update],
  );

  const remove = useCallback(
    (userId: string) =>
      track(userId, "remove", async () => {
        await removeMember(api, courseId, userId);
        update((list) => list.filter((member) => member.user_id !== userId));
      }),
    [api, courseId, track, update],
  );

  return { ...members, pending, rowErrors, changeRole, remove };
}
