/** Where upcoming, live and past sessions will be listed; live classes are not built yet. */
export function SessionsSection() {
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <p className="muted">
        Live classes arrive soon. Upcoming, live and past sessions — with their replays — will be
        listed here.
      </p>
    </section>
  );
}
