import type { Role } from "../../../api/types";
import { roleLabel } from "../lib/permissions";

export function RoleBadge({ role }: { role: Role | null }) {
  if (role === null) return null;
  return <span className={`badge badge--${role}`}>{roleLabel(role)}</span>;
}
