const KEYS: readonly [string, string][] = [
  ["Space or k", "Play or pause"],
  ["j / l", "Back or forward 10 seconds"],
  ["← / →", "Back or forward 5 seconds"],
  ["c", "Captions on or off"],
  ["m", "Sound on or off"],
  ["shift + > / <", "Faster or slower"],
  ["n / shift + N", "Next or previous search hit"],
];

/** The player's keyboard shortcuts, folded away until asked for. */
export function KeyboardHelp() {
  return (
    <details className="replay-keys">
      <summary>Keyboard shortcuts</summary>
      <dl className="replay-keys__list">
        {KEYS.map(([keys, action]) => (
          <div key={keys} className="replay-keys__row">
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{action}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
