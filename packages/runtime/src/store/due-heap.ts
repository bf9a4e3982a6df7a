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
  /** A binary min-heap by (due, id); each entry's `at` is its index here. */
  private readonly heap: Entry[] = [];

  set(id: string, due: number | null): void {
    const e = this.entries.get(id);
    if (due === null) {
      if (e) {
        this.removeAt(e.at);
        this.entries.delete(id);
      }
      return;
    }
    if (!e) {
      const added = { due, id, at: this.heap.length };
      this.entries.set(id, added);
      this.heap.push(added);
      this.up(added);
    } else if (e.due !== due) {
      const earlier = due < e.due;
      e.due = due;
      if (earlier) this.up(e);
      else this.down(e);
    }
  }

  get size(): number {
    return this.heap.length;
  }

  /** The earliest due time. */
  peek(): number | undefined {
    return this.heap[0]?.due;
  }

  /** The profile due first (ties by id), with its due time. */
  first(): { id: string; due: number } | undefined {
    return this.heap[0];
  }

  /**
   * Up to `limit` profiles due at or before `now`, earliest first (ties by id); they stay
   * scheduled. The heap is read, not changed: a best-first walk from the root with a small
   * heap of positions of its own, so the cost is in what is taken, not in the heap's size.
   */
  due(now: number, limit: number): string[] {
    const h = this.heap;
    const out: string[] = [];
    if (!h.length || limit <= 0) return out;
    const frontier = new Frontier(h);
    frontier.push(0);
    while (frontier.size && out.length < limit) {
      const i = frontier.pop();
      if (h[i]!.due > now) break;
      out.push(h[i]!.id);
      if (2 * i + 1 < h.length) frontier.push(2 * i + 1);
      if (2 * i + 2 < h.length) frontier.push(2 * i + 2);
    }
    return out;
  }

  private removeAt(i: number): void {
    const h = this.heap;
    const last = h.pop()!;
    if (i === h.length) return;
    const gone = h[i]!;
    last.at = i;
    h[i] = last;
    // The last entry may belong above or below the place it fills.
    if (less(last, gone)) this.up(last);
    else this.down(last);
  }

  // Sifting moves the entries it passes and writes the moving one once, where it lands.

  private up(e: Entry): void {
    const h = this.heap;
    let i = e.at;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!less(e, parent)) break;
      h[i] = parent;
      parent.at = i;
      i = p;
    }
    h[i] = e;
    e.at = i;
  }

  private down(e: Entry): void {
    const h = this.heap;
    const n = h.length;
    let i = e.at;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && less(h[r]!, h[l]!) ? r : l;
      const child = h[c]!;
      if (!less(child, e)) break;
      h[i] = child;
      child.at = i;
      i = c;
    }
    h[i] = e;
    e.at = i;
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.id < b.id);
}

/** Positions in the heap, best first: the frontier of `due`'s walk. */
class Frontier {
  private readonly items: number[] = [];

  constructor(private readonly heap: Entry[]) {}

  get size(): number {
    return this.items.length;
  }

  push(x: number): void {
    const a = this.items;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(this.heap[x]!, this.heap[a[p]!]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    const n = a.length;
    if (!n) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && less(this.heap[a[r]!]!, this.heap[a[l]!]!) ? r : l;
      if (!less(this.heap[a[c]!]!, this.heap[last]!)) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}
