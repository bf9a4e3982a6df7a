/**
 * Profiles by next due time: a binary min-heap with lazy deletion (an entry whose time no
 * longer matches the profile's current due time is skipped), so moving a timer is O(log n)
 * and finding what is due never scans every profile.
 */
export class DueHeap {
  private readonly heap: { due: number; id: string }[] = [];
  private readonly current = new Map<string, number>();

  set(id: string, due: number | null): void {
    if (due === null) {
      this.current.delete(id);
      return;
    }
    if (this.current.get(id) === due) return;
    this.current.set(id, due);
    this.push({ due, id });
  }

  get size(): number {
    return this.current.size;
  }

  /** The earliest due time. */
  peek(): number | undefined {
    this.dropStale();
    return this.heap[0]?.due;
  }

  /** Up to `limit` profiles due at or before `now`, earliest first (ties by id); they stay scheduled. */
  due(now: number, limit: number): string[] {
    const taken: { due: number; id: string }[] = [];
    const seen = new Set<string>();
    while (taken.length < limit) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.due > now) break;
      this.pop();
      if (seen.has(top.id)) continue;
      seen.add(top.id);
      taken.push(top);
    }
    for (const t of taken) this.push(t);
    return taken.sort((a, b) => a.due - b.due || (a.id < b.id ? -1 : 1)).map((t) => t.id);
  }

  private dropStale(): void {
    while (this.heap.length && this.current.get(this.heap[0]!.id) !== this.heap[0]!.due) this.pop();
  }

  private push(e: { due: number; id: string }): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (!h.length) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l]!, h[m]!)) m = l;
      if (r < h.length && less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

function less(a: { due: number; id: string }, b: { due: number; id: string }): boolean {
  return a.due < b.due || (a.due === b.due && a.id < b.id);
}
