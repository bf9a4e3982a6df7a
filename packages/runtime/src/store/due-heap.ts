/**
 * Profiles by next due time: a binary min-heap whose entries know their position, so moving
 * or removing a timer is O(log n) in place (no stale entries to skip), and finding what is
 * due never scans every profile.
 */
interface Entry {
  due: number;
  id: string;
  /** Where the entry is in the heap, kept up to date as it moves. */
  at: number;
}

export class DueHeap {
  private readonly entries = new Map<string, Entry>();
  private readonly heap = new MinHeap<Entry>(less, (e, i) => (e.at = i));

  set(id: string, due: number | null): void {
    const e = this.entries.get(id);
    if (due === null) {
      if (e) {
        this.heap.removeAt(e.at);
        this.entries.delete(id);
      }
      return;
    }
    if (!e) {
      const added = { due, id, at: 0 };
      this.entries.set(id, added);
      this.heap.push(added);
    } else if (e.due !== due) {
      e.due = due;
      this.heap.fix(e.at);
    }
  }

  get size(): number {
    return this.heap.items.length;
  }

  /** The earliest due time. */
  peek(): number | undefined {
    return this.heap.items[0]?.due;
  }

  /** The profile due first (ties by id), with its due time. */
  first(): { id: string; due: number } | undefined {
    return this.heap.items[0];
  }

  /**
   * Up to `limit` profiles due at or before `now`, earliest first (ties by id); they stay
   * scheduled. The heap is read, not changed: a best-first walk from the root with a small
   * heap of positions of its own, so the cost is in what is taken, not in the heap's size.
   */
  due(now: number, limit: number): string[] {
    const h = this.heap.items;
    const out: string[] = [];
    if (!h.length || limit <= 0) return out;
    const frontier = new MinHeap<number>((a, b) => less(h[a]!, h[b]!));
    frontier.push(0);
    while (frontier.items.length && out.length < limit) {
      const i = frontier.pop()!;
      if (h[i]!.due > now) break;
      out.push(h[i]!.id);
      if (2 * i + 1 < h.length) frontier.push(2 * i + 1);
      if (2 * i + 2 < h.length) frontier.push(2 * i + 2);
    }
    return out;
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.id < b.id);
}

/** A binary min-heap; `moved` hears where each item lands, for callers that index it. */
class MinHeap<T> {
  readonly items: T[] = [];

  constructor(
    private readonly before: (a: T, b: T) => boolean,
    private readonly moved?: (item: T, at: number) => void,
  ) {}

  push(x: T): void {
    this.items.push(x);
    this.moved?.(x, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (this.items.length) this.removeAt(0);
    return top;
  }

  removeAt(i: number): void {
    const last = this.items.pop()!;
    if (i === this.items.length) return;
    this.place(last, i);
    this.fix(i);
  }

  /** Restore the order after the item at `i` changed. */
  fix(i: number): void {
    this.down(this.up(i));
  }

  private up(i: number): number {
    const h = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i]!, h[p]!)) break;
      this.swap(i, p);
      i = p;
    }
    return i;
  }

  private down(i: number): void {
    const h = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const x = this.items[a]!;
    this.place(this.items[b]!, a);
    this.place(x, b);
  }

  private place(x: T, i: number): void {
    this.items[i] = x;
    this.moved?.(x, i);
  }
}
