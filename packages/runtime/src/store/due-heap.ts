/**
 * Profiles by next due time: a binary min-heap of (due, id) entries beside a map of each
 * profile's current due time, so finding what is due never scans every profile.
 *
 * Moving or removing a timer only updates the map: the entry it had stays in the heap, stale
 * (its time is no longer the profile's), and is skipped by reads and dropped when it reaches
 * the top; when stale entries outnumber live ones the heap is rebuilt. Keeping each entry's
 * position instead costs a map write at every level an entry moves through, which made
 * `set` the store's most expensive call.
 *
 * The heap is two columns (ids, and due times unboxed in a list of doubles): the in-memory
 * store keeps one entry per waiting profile, and an object per entry, with its boxed time,
 * cost twice as much (~140 bytes against ~60).
 */
export class DueHeap {
  private readonly ids: string[] = [];
  private readonly dues: number[] = [];
  /** Each profile's due time; a heap entry with another time is stale. */
  private readonly current = new Map<string, number>();

  set(id: string, due: number | null): void {
    const was = this.current.get(id);
    if (due === null) {
      if (was !== undefined) this.current.delete(id);
    } else if (was !== due) {
      this.current.set(id, due);
      this.ids.push(id);
      this.dues.push(due);
      this.up(this.ids.length - 1, id, due);
    }
    if (this.ids.length > 2 * this.current.size + 64) this.rebuild();
  }

  get size(): number {
    return this.current.size;
  }

  /** The earliest due time. */
  peek(): number | undefined {
    this.dropStaleTop();
    return this.dues[0];
  }

  /** The profile due first (ties by id), with its due time. */
  first(): { id: string; due: number } | undefined {
    this.dropStaleTop();
    return this.ids.length ? { id: this.ids[0]!, due: this.dues[0]! } : undefined;
  }

  /**
   * Up to `limit` profiles due at or before `now`, earliest first (ties by id); they stay
   * scheduled. A best-first walk from the root with a small heap of positions of its own, so
   * the cost is in what is taken, not in the heap's size: stale entries on top (those of the
   * timers just taken and moved) are dropped first, so the walk does not pass them again.
   */
  due(now: number, limit: number): string[] {
    this.dropStaleTop();
    const n = this.ids.length;
    const out: string[] = [];
    if (!n || limit <= 0) return out;
    // A profile moved away from a time and back has two live entries: it is taken once.
    const taken = new Set<string>();
    const frontier = new Frontier((a, b) => this.less(a, b));
    frontier.push(0);
    while (frontier.size && out.length < limit) {
      const i = frontier.pop();
      if (this.dues[i]! > now) break;
      const id = this.ids[i]!;
      if (!this.isStale(i) && !taken.has(id)) {
        taken.add(id);
        out.push(id);
      }
      if (2 * i + 1 < n) frontier.push(2 * i + 1);
      if (2 * i + 2 < n) frontier.push(2 * i + 2);
    }
    return out;
  }

  private isStale(i: number): boolean {
    return this.current.get(this.ids[i]!) !== this.dues[i];
  }

  private dropStaleTop(): void {
    while (this.ids.length && this.isStale(0)) {
      const id = this.ids.pop()!;
      const due = this.dues.pop()!;
      if (this.ids.length) this.down(0, id, due);
    }
  }

  /** The live entries only, each profile once, in heap order again. */
  private rebuild(): void {
    const { ids, dues } = this;
    ids.length = 0;
    dues.length = 0;
    for (const [id, due] of this.current) {
      ids.push(id);
      dues.push(due);
    }
    for (let i = (ids.length >> 1) - 1; i >= 0; i--) this.down(i, ids[i]!, dues[i]!);
  }

  // Sifting moves the entries it passes and writes the moving one (`id`, `due`) once, where it lands.

  private up(i: number, id: string, due: number): void {
    const { ids, dues } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(due, id, dues[p]!, ids[p]!)) break;
      ids[i] = ids[p]!;
      dues[i] = dues[p]!;
      i = p;
    }
    ids[i] = id;
    dues[i] = due;
  }

  private down(i: number, id: string, due: number): void {
    const { ids, dues } = this;
    const n = ids.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const c = l + 1 < n && this.less(l + 1, l) ? l + 1 : l;
      if (!before(dues[c]!, ids[c]!, due, id)) break;
      ids[i] = ids[c]!;
      dues[i] = dues[c]!;
      i = c;
    }
    ids[i] = id;
    dues[i] = due;
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
