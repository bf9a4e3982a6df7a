/**
 * Profiles by next due time: a binary min-heap whose entries know their position, so moving
 * or removing a timer is O(log n) in place (no stale entries to skip), and finding what is
 * due never scans every profile.
 *
 * The heap is two columns (ids, and due times unboxed in a list of doubles) and a map from id
 * to position: the in-memory store keeps one entry per waiting profile, and an object per
 * entry, with its boxed time, cost twice as much (~140 bytes against ~60).
 */
export class DueHeap {
  private readonly ids: string[] = [];
  private readonly dues: number[] = [];
  /** Where each id is in the heap, kept up to date as entries move. */
  private readonly at = new Map<string, number>();

  set(id: string, due: number | null): void {
    const i = this.at.get(id);
    if (due === null) {
      if (i !== undefined) {
        this.at.delete(id);
        this.removeAt(i);
      }
      return;
    }
    if (i === undefined) {
      this.ids.push(id);
      this.dues.push(due);
      this.up(this.ids.length - 1, id, due);
    } else if (this.dues[i] !== due) {
      if (due < this.dues[i]!) this.up(i, id, due);
      else this.down(i, id, due);
    }
  }

  get size(): number {
    return this.ids.length;
  }

  /** The earliest due time. */
  peek(): number | undefined {
    return this.dues[0];
  }

  /** The profile due first (ties by id), with its due time. */
  first(): { id: string; due: number } | undefined {
    return this.ids.length ? { id: this.ids[0]!, due: this.dues[0]! } : undefined;
  }

  /**
   * Up to `limit` profiles due at or before `now`, earliest first (ties by id); they stay
   * scheduled. The heap is read, not changed: a best-first walk from the root with a small
   * heap of positions of its own, so the cost is in what is taken, not in the heap's size.
   */
  due(now: number, limit: number): string[] {
    const n = this.ids.length;
    const out: string[] = [];
    if (!n || limit <= 0) return out;
    const frontier = new Frontier((a, b) => this.less(a, b));
    frontier.push(0);
    while (frontier.size && out.length < limit) {
      const i = frontier.pop();
      if (this.dues[i]! > now) break;
      out.push(this.ids[i]!);
      if (2 * i + 1 < n) frontier.push(2 * i + 1);
      if (2 * i + 2 < n) frontier.push(2 * i + 2);
    }
    return out;
  }

  private removeAt(i: number): void {
    const id = this.ids.pop()!;
    const due = this.dues.pop()!;
    if (i === this.ids.length) return;
    // The last entry fills the gap; it may belong above or below it.
    if (before(due, id, this.dues[i]!, this.ids[i]!)) this.up(i, id, due);
    else this.down(i, id, due);
  }

  // Sifting moves the entries it passes and writes the moving one (`id`, `due`) once, where it lands.

  private up(i: number, id: string, due: number): void {
    const { ids, dues } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(due, id, dues[p]!, ids[p]!)) break;
      this.put(i, ids[p]!, dues[p]!);
      i = p;
    }
    this.put(i, id, due);
  }

  private down(i: number, id: string, due: number): void {
    const { ids, dues } = this;
    const n = ids.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const c = l + 1 < n && this.less(l + 1, l) ? l + 1 : l;
      if (!before(dues[c]!, ids[c]!, due, id)) break;
      this.put(i, ids[c]!, dues[c]!);
      i = c;
    }
    this.put(i, id, due);
  }

  private put(i: number, id: string, due: number): void {
    this.ids[i] = id;
    this.dues[i] = due;
    this.at.set(id, i);
  }

  /** Whether the entry at position a comes before the one at b: by due time, then id. */
  private less(a: number, b: number): boolean {
    return before(this.dues[a]!, this.ids[a]!, this.dues[b]!, this.ids[b]!);
  }
}

/** The heap's order: by due time, then id. */
function before(dueA: number, idA: string, dueB: number, idB: string): boolean {
  return dueA < dueB || (dueA === dueB && idA < idB);
}

/** Positions in the heap, best first: the frontier of `due`'s walk. */
class Frontier {
  private readonly items: number[] = [];

  constructor(private readonly less: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(x: number): void {
    const a = this.items;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(x, a[p]!)) break;
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
      const c = r < n && this.less(a[r]!, a[l]!) ? r : l;
      if (!this.less(a[c]!, last)) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}
