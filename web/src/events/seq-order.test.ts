import { describe, expect, it } from "vitest";
import { SeqOrder } from "./seq-order";

function ordered(start = 0) {
  let last = start;
  const delivered: number[] = [];
  const order = new SeqOrder<{ seq: number }>(
    () => last,
    (event) => {
      last = event.seq;
      delivered.push(event.seq);
    },
  );
  return { order, delivered, skipTo: (seq: number) => (last = seq) };
}

describe("SeqOrder", () => {
  it("delivers in order, drops duplicates, and holds back what skips ahead until the gap is filled", () => {
    const { order, delivered } = ordered(2);
    expect(order.receive({ seq: 3 })).toBe(true);
    expect(order.receive({ seq: 3 })).toBe(true);
    expect(order.receive({ seq: 6 })).toBe(false);
    expect(order.receive({ seq: 5 })).toBe(false);
    expect(order.waiting).toBe(true);
    expect(delivered).toEqual([3]);

    order.receive({ seq: 4 });
    expect(delivered).toEqual([3, 4, 5, 6]);
    expect(order.waiting).toBe(false);
  });

  it("forgets held-back events the last seq has passed, and delivers what became next", () => {
    const { order, delivered, skipTo } = ordered();
    order.receive({ seq: 3 });
    order.receive({ seq: 7 });
    // A repair read the log up to 6 (delivering through another path): 3 is behind, 7 is next.
    skipTo(6);
    order.release();
    expect(delivered).toEqual([7]);
    expect(order.waiting).toBe(false);
  });

  it("starts over when cleared", () => {
    const { order } = ordered();
    order.receive({ seq: 3 });
    order.clear();
    expect(order.waiting).toBe(false);
  });
});
