import { useApi } from "../../../auth/useApi";
import { useLmsLink } from "../hooks/useLmsLink";
import { getRosterLink, syncRoster } from "../lib/lms-api";
import { describeRosterSync } from "../lib/lms-results";
import { LmsAction } from "./LmsAction";

/** The course hosts' "Sync roster from LMS", shown only when the course's roster is in an LMS. */
export function RosterSyncCard({ courseId }: { courseId: string }) {
  const api = useApi();
  const link = useLmsLink(getRosterLink, courseId);
  if (!link?.linked) return null;
  return (
    <LmsAction
      title="LMS roster"
      explanation="Members come from your LMS course, and are synced when a teacher opens Multistream from it. Sync now to pick up changes at once."
      platform={link.platform}
      label="Sync roster from LMS"
      busyLabel="Syncing…"
      run={async () => describeRosterSync(await syncRoster(api, courseId))}
    />
  );
}
