/**
 * Profiles by next due time: a binary min-heap with lazy deletion (an entry whose time no
 * longer matches the profile's current due time is skipped), so moving a timer is O(log n)
 * and finding what is due never scans every profile.
 */
interface Entry {
  due: number;
  id: string;
}

export class DueHeap {
  private readonly heap: Entry[] = [];
  private readonly current = new Map<string, number>();

  set(id: string, due: number | null): void {
    if (due === null) {
      this.current.delete(id);
      return;
    }
    if (this.current.get(id) === due) return;
    this.current.set(id, due);
    heapPush(this.heap, { due, id }, less);
  }

  get size(): number {
    return this.current.size;
  }

  /** The earliest due time. */
  peek(): number | undefined {
    this.dropStale();
    return this.heap[0]?.due;
  }

  /**
   * Up to `limit` profiles due at or before `now`, earliest first (ties by id); they stay
   * scheduled. The heap is read, not changed: a best-first walk from the root with a small
   * frontier of its own, so the cost is in what is taken, not in the heap's size.
   */
  due(now: number, limit: number): string[] {
    const h = this.heap;
    const out: string[] = [];
    if (!h.length || limit <= 0) return out;
    const seen = new Set<string>();
    const before = (a: number, b: number) => less(h[a]!, h[b]!);
    const frontier: number[] = [0];
    while (frontier.length && out.length < limit) {
      const i = heapPop(frontier, before)!;
      const e = h[i]!;
      if (e.due > now) break;
      if (this.current.get(e.id) === e.due && !seen.has(e.id)) {
        seen.add(e.id);
        out.push(e.id);
      }
      if (2 * i + 1 < h.length) heapPush(frontier, 2 * i + 1, before);
      if (2 * i + 2 < h.length) heapPush(frontier, 2 * i + 2, before);
    }
    return out;
  }

  private dropStale(): void {
    while (this.heap.length && this.current.get(this.heap[0]!.id) !== this.heap[0]!.due) heapPop(this.heap, less);
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.id < b.id);
}

function heapPush<T>(h: T[], x: T, before: (a: T, b: T) => boolean): void {
  h.push(x);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(h[i]!, h[p]!)) break;
    [h[i], h[p]] = [h[p]!, h[i]!];
    i = p;
  }
}

function heapPop<T>(h: T[], before: (a: T, b: T) => boolean): T | undefined {
  const top = h[0];
  const last = h.pop()!;
  if (!h.length) return top;
  h[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && before(h[l]!, h[m]!)) m = l;
    if (r < h.length && before(h[r]!, h[m]!)) m = r;
    if (m === i) break;
    [h[i], h[m]] = [h[m]!, h[i]!];
    i = m;
  }
  return top;
}
