import type { InvitePreview } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { type Resource, useResource } from "../../../shared/hooks/useResource";
import { previewInvite } from "../lib/invites-api";

export function useInvitePreview(code: string): Resource<InvitePreview> {
  const api = useApi();
  return useResource((signal) => previewInvite(api, code, signal), [api, code]);
}
