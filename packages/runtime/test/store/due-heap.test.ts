/** DueHeap against a plain map of due times, through random moves (back to earlier times too), removals and reads. */
import { describe, expect, it } from "vitest";
import { DueHeap } from "../../src/store/due-heap.js";

describe("DueHeap", () => {
  it("answers what a scan of every profile answers", () => {
    let seed = 11;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const heap = new DueHeap();
    const model = new Map<string, number>();
    for (let step = 0; step < 20_000; step++) {
      const id = `p${rand(300)}`;
      const op = rand(10);
      if (op < 6) {
        const due = rand(1000);
        heap.set(id, due);
        model.set(id, due);
      } else if (op < 7) {
        heap.set(id, null);
        model.delete(id);
      } else {
        const now = rand(1000);
        const limit = 1 + rand(20);
        const expected = [...model]
          .filter(([, d]) => d <= now)
          .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, limit)
          .map(([k]) => k);
        expect(heap.due(now, limit)).toEqual(expected);
        expect(heap.peek()).toBe(model.size ? Math.min(...model.values()) : undefined);
        expect(heap.size).toBe(model.size);
        const [first] = [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
        expect(heap.first()).toEqual(first && { id: first[0], due: first[1] });
      }
    }
  });
});
