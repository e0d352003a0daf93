/**
 * Following the playhead costs O(log n): one `lastAtOrBefore` per list and update. Run by
 * hand (`npm run bench:replay`), never by `npm test`; bench/README.md has the numbers.
 */
import { bench, describe } from "vitest";
import { lastAtOrBefore, timesOf } from "./timeline";

for (const size of [1_500, 15_000, 150_000, 1_500_000]) {
  const times = timesOf(
    Array.from({ length: size }, (_, i) => i * 3_600),
    (t) => t,
  );
  const end = size * 3_600;
  let t = 0;
  describe(`${size.toLocaleString("en")} items`, () => {
    bench("lastAtOrBefore (binary search)", () => {
      t = (t + 7_919_113) % end;
      lastAtOrBefore(times, t);
    });
    bench("a scan, for comparison", () => {
      t = (t + 7_919_113) % end;
      let found = -1;
      for (let i = 0; i < times.length && (times[i] as number) <= t; i += 1) found = i;
      void found;
    });
  });
}
