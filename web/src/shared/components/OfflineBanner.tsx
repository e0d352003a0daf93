import { useOnlineStatus } from "../hooks/useOnlineStatus";

export function OfflineBanner() {
  const online = useOnlineStatus();
  if (online) return null;
  return (
    <div className="banner banner--warning" role="status">
      You're offline. Changes can't be saved until your connection is back.
    </div>
  );
}
