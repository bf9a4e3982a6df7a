/**
 * The runtime's catalog engine: the same algorithms as `ScanCatalogEngine` (same meaning,
 * `options.ts`), kept up to date as signals arrive so that a request costs time in the
 * number of neighbours or candidates it reads, never in the number of signals.
 *
 * State, all of it bounded (docs/recommendations.md):
 * - Keys are interned to small integers; per-key state is in typed arrays.
 * - Per time bucket (`bucketMs`), compact logs: how often each key was viewed and bought,
 *   and which keys formed each basket and session. A bucket older than the retention is
 *   dropped whole.
 * - Aggregates over a window: for `popular`, one count per key and window, with the best
 *   candidates kept in an indexed heap (globally, and per category once asked); for each
 *   co-occurrence algorithm, the frequency of each key and its strongest neighbours (at most
 *   `2 × neighbours` per key, pruned to `neighbours`). When time moves on, the buckets that
 *   leave a window are subtracted from it.
 * - Per profile, bounded lists: latest views, latest purchases, the latest cart, the current
 *   session. Profiles with no signal in the retention are forgotten.
 * - Variable-length lists (neighbours, per-profile lists) live in a few large typed arrays,
 *   not in millions of small objects, so garbage collection stays cheap.
 *
 * Answers are exact (equal to the scan's) except where a key has had more than `2 ×
 * neighbours` co-occurring keys in the window: then its weakest neighbours are forgotten.
 * A request dated before what the aggregates cover is answered from the bucket logs
 * (exact, slower).
 */
import { checkItems, type UpsertResult } from "./items.js";
import { anchorsOf, type EngineOptions, type RankRequest } from "./catalog.js";
import { BUILT_IN_ALGORITHMS, compareKeys, recsConfig, requestWindow, type RecsConfig } from "./options.js";
import type { CatalogEngine, CatalogItem, CatalogRequest, Signal, SignalKind } from "./provider.js";

export interface IncrementalOptions extends EngineOptions {
  /** Neighbours kept per key and co-occurrence algorithm (default 64; up to twice as many between prunings). */
  neighbours?: number;
  /** Candidates kept ranked per `popular` window and category (default 256; more when a request asks for more). */
  topCandidates?: number;
  /**
   * `popular` windows kept up to date from the first signal (default: the default window).
   * Another window is counted from the bucket logs when first asked for (tens of ms for
   * millions of signals), then kept up to date too.
   */
  popularWindows?: number[];
}

/** At most this many distinct keys (ids fit in 26 bits). */
const MAX_KEYS = 2 ** 26;
/** Group log codes: `(group mod 2^27) * MAX_KEYS + key id`, exact in a double. */
const GROUPS = 2 ** 27;

const VIEWS = 0;
const PURCHASES = 1;
type CountSlot = typeof VIEWS | typeof PURCHASES;

/** How often each key occurred in one bucket: (id, count) entries, merged when the bucket closes. */
class CountLog {
  codes = new Int32Array(8);
  counts = new Int32Array(8);
  n = 0;
  private merged = 0;

  add(id: number): void {
    if (this.n === this.codes.length) {
      // A very busy open bucket is merged before it grows further.
      if (this.n >= 1 << 16 && this.n - this.merged > this.n / 2) this.compact();
      if (this.n === this.codes.length) {
        this.codes = grown(this.codes, this.n * 2);
        this.counts = grown(this.counts, this.n * 2);
      }
    }
    this.codes[this.n] = id;
    this.counts[this.n++] = 1;
  }

  /** Merge equal ids (summing their counts), and give back unused room. */
  compact(): void {
    if (this.merged === this.n) return;
    const order = new Float64Array(this.n);
    // Sort (id, count) by id: the id in the high part of a double, its position in the low.
    const m = 2 ** Math.ceil(Math.log2(this.n + 1));
    for (let i = 0; i < this.n; i++) order[i] = this.codes[i]! * m + i;
    order.sort();
    const codes = new Int32Array(this.n);
    const counts = new Int32Array(this.n);
    let j = -1;
    for (let k = 0; k < this.n; k++) {
      const i = order[k]! % m;
      const id = this.codes[i]!;
      if (j >= 0 && codes[j] === id) counts[j]! += this.counts[i]!;
      else {
        codes[++j] = id;
        counts[j] = this.counts[i]!;
      }
    }
    this.n = this.merged = j + 1;
    this.codes = codes.slice(0, Math.max(8, this.n));
    this.counts = counts.slice(0, Math.max(8, this.n));
  }

  bytes(): number {
    return this.codes.byteLength + this.counts.byteLength;
  }
}

/**
 * The groups (baskets, sessions) of one bucket, as (group, key) codes: enough to add or
 * subtract every pair and frequency of a group, at a few bytes per key instead of per pair.
 */
class GroupLog {
  codes = new Float64Array(8);
  n = 0;
  private sorted = true;

  add(group: number, id: number): void {
    if (this.n === this.codes.length) {
      const bigger = new Float64Array(this.n * 2);
      bigger.set(this.codes);
      this.codes = bigger;
    }
    this.codes[this.n++] = (group % GROUPS) * MAX_KEYS + id;
    this.sorted = false;
  }

  /** Each group's keys, group by group. */
  forEachGroup(f: (ids: Int32Array, n: number) => void, buf: { ids: Int32Array }): void {
    if (!this.sorted) {
      this.codes.subarray(0, this.n).sort();
      this.sorted = true;
    }
    for (let i = 0; i < this.n; ) {
      const g = Math.floor(this.codes[i]! / MAX_KEYS);
      let k = 0;
      for (; i < this.n && Math.floor(this.codes[i]! / MAX_KEYS) === g; i++) {
        if (k === buf.ids.length) buf.ids = grown(buf.ids, k * 2);
        buf.ids[k++] = this.codes[i]! - g * MAX_KEYS;
      }
      f(buf.ids, k);
    }
  }

  compact(): void {
    if (!this.sorted) {
      this.codes.subarray(0, this.n).sort();
      this.sorted = true;
    }
    if (this.codes.length > 16 && this.n < this.codes.length / 2) this.codes = this.codes.slice(0, Math.max(8, this.n));
  }

  bytes(): number {
    return this.codes.byteLength;
  }
}

interface Bucket {
  index: number;
  counts: (CountLog | undefined)[];
  /** By co-occurrence table: cartBased, boughtTogether, viewedTogether. */
  groups: (GroupLog | undefined)[];
  closed: boolean;
}

/** An indexed min-heap of the best keys of one window (and category): the worst at the root. */
class TopSet {
  heap: Int32Array;
  size = 0;
  /** Every key of the set's universe with a count above zero is in the heap. */
  complete = true;
  private sorted: Int32Array | null = null;
  private thresholdCount = 0;
  private thresholdKey = -1;

  constructor(
    private readonly view: PopularView,
    public cap: number,
    private readonly global: boolean,
  ) {
    this.heap = new Int32Array(cap + 1);
  }

  private get pos(): Int32Array {
    return this.global ? this.view.gpos : this.view.cpos;
  }

  /** Does `x` rank below `y`? */
  private worse(x: number, y: number): boolean {
    const c = this.view.counts;
    return c[x]! < c[y]! || (c[x] === c[y] && this.view.keys[x]! > this.view.keys[y]!);
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const pos = this.pos;
    const a = h[i]!;
    const b = h[j]!;
    h[i] = b;
    h[j] = a;
    pos[b] = i;
    pos[a] = j;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(this.heap[i]!, this.heap[p]!)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const w = r < this.size && this.worse(this.heap[r]!, this.heap[l]!) ? r : l;
      if (!this.worse(this.heap[w]!, this.heap[i]!)) break;
      this.swap(i, w);
      i = w;
    }
  }

  private push(x: number): void {
    if (this.size + 1 >= this.heap.length) {
      const h = new Int32Array(this.heap.length * 2);
      h.set(this.heap);
      this.heap = h;
    }
    this.heap[this.size] = x;
    this.pos[x] = this.size++;
    this.up(this.size - 1);
  }

  private removeAt(i: number): void {
    const x = this.heap[i]!;
    const last = this.heap[--this.size]!;
    this.pos[x] = -1;
    if (i === this.size) return;
    this.heap[i] = last;
    this.pos[last] = i;
    this.up(i);
    this.down(this.pos[last]!);
  }

  has(x: number): boolean {
    return this.pos[x]! >= 0;
  }

  /** `x`'s count went up (or `x` joins the set's universe). */
  increased(x: number): void {
    this.sorted = null;
    const p = this.pos[x]!;
    if (p >= 0) return this.down(p);
    if (this.complete) {
      this.push(x);
      if (this.size > this.cap) {
        this.removeAt(0);
        this.complete = false;
      }
    } else if (this.size > 0 && this.worse(this.heap[0]!, x)) {
      // The root was the worst member, and every non-member ranks below it.
      this.pos[this.heap[0]!] = -1;
      this.heap[0] = x;
      this.pos[x] = 0;
      this.down(0);
    }
  }

  /** `x`'s count went down (or to zero), or `x` leaves the set's universe (`gone`). */
  decreased(x: number, gone = false): void {
    const p = this.pos[x]!;
    if (p < 0) return;
    this.sorted = null;
    if (gone || this.view.counts[x]! <= 0) this.removeAt(p);
    else this.up(p);
  }

  /** Before counts go down: remember the worst member, the bar every non-member is below. */
  beginExpiry(): void {
    this.thresholdKey = !this.complete && this.size > 0 ? this.heap[0]! : -1;
    if (this.thresholdKey >= 0) this.thresholdCount = this.view.counts[this.thresholdKey]!;
  }

  /** After: members that fell below that bar may now rank below a non-member, so they go. */
  endExpiry(): void {
    if (this.thresholdKey < 0) return;
    const c = this.view.counts;
    const tk = this.view.keys[this.thresholdKey]!;
    while (this.size > 0) {
      const x = this.heap[0]!;
      if (!(c[x]! < this.thresholdCount || (c[x] === this.thresholdCount && this.view.keys[x]! > tk))) break;
      this.removeAt(0);
      this.sorted = null;
    }
    this.thresholdKey = -1;
  }

  /** Rebuild from the counts of `universe`, keeping the best `cap`. */
  rebuild(universe: Iterable<number>, cap: number): void {
    for (let i = 0; i < this.size; i++) this.pos[this.heap[i]!] = -1;
    this.size = 0;
    this.cap = cap;
    this.complete = true;
    this.sorted = null;
    for (const x of universe) if (this.view.counts[x]! > 0) this.increased(x);
  }

  /** Members, best first. */
  ranked(): Int32Array {
    if (!this.sorted) {
      const c = this.view.counts;
      const keys = this.view.keys;
      this.sorted = this.heap.slice(0, this.size).sort((a, b) => c[b]! - c[a]! || compareKeys(keys[a]!, keys[b]!));
    }
    return this.sorted;
  }
}

/** `popular` over one kind and window: counts per key, ranked candidates globally and per category. */
class PopularView {
  counts: Int32Array;
  gpos: Int32Array;
  cpos: Int32Array;
  readonly global: TopSet;
  readonly categories = new Map<string, TopSet>();

  constructor(
    readonly slot: CountSlot,
    readonly windowMs: number,
    public startBucket: number,
    readonly keys: string[],
    capacity: number,
    cap: number,
  ) {
    this.counts = new Int32Array(capacity);
    this.gpos = new Int32Array(capacity).fill(-1);
    this.cpos = new Int32Array(capacity).fill(-1);
    this.global = new TopSet(this, cap, true);
  }

  grow(capacity: number): void {
    this.counts = grown(this.counts, capacity);
    this.gpos = grown(this.gpos, capacity, -1);
    this.cpos = grown(this.cpos, capacity, -1);
  }
}

/**
 * Blocks of 2^k entries (each `width` numbers) carved out of one typed array; a freed block
 * is reused by the next list of its size.
 */
class BlockPool<A extends Float64Array | Int32Array> {
  data: A;
  top = 0;
  /** Numbers in freed blocks, not yet reused. */
  wasted = 0;
  private free: number[][] = [];

  constructor(
    private readonly make: (n: number) => A,
    readonly width: number,
  ) {
    this.data = make(1 << 12);
  }

  alloc(entries: number): number {
    const list = this.free[Math.log2(entries)];
    if (list?.length) {
      this.wasted -= entries * this.width;
      return list.pop()!;
    }
    const need = this.top + entries * this.width;
    if (need > this.data.length) {
      let size = this.data.length * 2;
      while (size < need) size *= 2;
      const bigger = this.make(size);
      bigger.set(this.data.subarray(0, this.top));
      this.data = bigger;
    }
    const off = this.top;
    this.top = need;
    return off;
  }

  release(off: number, entries: number): void {
    (this.free[Math.log2(entries)] ??= []).push(off);
    this.wasted += entries * this.width;
  }

  /** Start again from an empty array of `size` numbers (the caller copies the lists over). */
  reset(size: number): A {
    const old = this.data;
    this.data = this.make(Math.max(1 << 12, size));
    this.top = 0;
    this.wasted = 0;
    this.free = [];
    return old;
  }

  bytes(): number {
    return this.data.byteLength;
  }
}

/** One list per slot (a key, a profile): where it starts in the pool, how many entries, room for how many. */
class ListSet<A extends Float64Array | Int32Array> {
  off: Int32Array;
  len: Int32Array;
  cap: Int32Array;
  readonly pool: BlockPool<A>;

  constructor(make: (n: number) => A, width: number, capacity: number) {
    this.pool = new BlockPool(make, width);
    this.off = new Int32Array(capacity);
    this.len = new Int32Array(capacity);
    this.cap = new Int32Array(capacity);
  }

  grow(capacity: number): void {
    this.off = grown(this.off, capacity);
    this.len = grown(this.len, capacity);
    this.cap = grown(this.cap, capacity);
  }

  /** Make room for `entries` entries in list `i`, keeping what it holds. */
  reserve(i: number, entries: number): void {
    const cap = this.cap[i]!;
    if (entries <= cap) return;
    let size = Math.max(4, cap * 2);
    while (size < entries) size *= 2;
    const to = this.pool.alloc(size);
    if (cap) {
      const from = this.off[i]!;
      this.pool.data.copyWithin(to, from, from + this.len[i]! * this.pool.width);
      this.pool.release(from, cap);
    }
    this.off[i] = to;
    this.cap[i] = size;
  }

  release(i: number): void {
    if (this.cap[i]) this.pool.release(this.off[i]!, this.cap[i]!);
    this.off[i] = this.len[i] = this.cap[i] = 0;
  }

  /** When more than half the pool is freed blocks: copy every list into a new, tight pool. */
  defragment(force = false): boolean {
    const pool = this.pool;
    if (!force && (pool.top < 1 << 16 || pool.wasted * 2 < pool.top)) return false;
    const w = pool.width;
    let need = 0;
    const sizeFor = (n: number) => (n ? Math.max(4, 2 ** Math.ceil(Math.log2(n))) : 0);
    for (let i = 0; i < this.len.length; i++) need += sizeFor(this.len[i]!) * w;
    const old = pool.reset(2 ** Math.ceil(Math.log2(need + 1)));
    for (let i = 0; i < this.len.length; i++) {
      const n = this.len[i]!;
      const size = sizeFor(n);
      if (!size) {
        this.off[i] = this.cap[i] = 0;
        continue;
      }
      const to = pool.alloc(size);
      pool.data.set(old.subarray(this.off[i]!, this.off[i]! + n * w), to);
      this.off[i] = to;
      this.cap[i] = size;
    }
    return true;
  }

  bytes(): number {
    return this.pool.bytes() + this.off.byteLength * 3;
  }
}

/** A co-occurrence algorithm over its window: the frequency of each key, and its strongest neighbours. */
class CoTable {
  freq: Int32Array;
  /** Per key: (neighbour id, count) pairs. */
  readonly nb: ListSet<Int32Array>;
  private scratch = new Int32Array(256);

  constructor(
    /** 0 cartBased, 1 boughtTogether, 2 viewedTogether: its group log in each bucket. */
    readonly slot: number,
    readonly windowMs: number,
    public startBucket: number,
    capacity: number,
    private readonly keep: number,
  ) {
    this.freq = new Int32Array(capacity);
    this.nb = new ListSet((n) => new Int32Array(n), 2, capacity);
  }

  grow(capacity: number): void {
    this.freq = grown(this.freq, capacity);
    this.nb.grow(capacity);
  }

  /** Keys `ids[from..n)` join a group that held `ids[0..from)`: `sign` +1, or −1 when it leaves the window. */
  group(ids: Int32Array, from: number, n: number, sign: number): void {
    for (let i = from; i < n; i++) {
      const x = ids[i]!;
      this.freq[x]! += sign;
      for (let j = 0; j < i; j++) {
        this.neighbour(x, ids[j]!, sign);
        this.neighbour(ids[j]!, x, sign);
      }
    }
  }

  private neighbour(a: number, b: number, c: number): void {
    const L = this.nb;
    const n = L.len[a]!;
    let d = L.pool.data;
    const off = L.off[a]!;
    const end = off + 2 * n;
    for (let j = off; j < end; j += 2) {
      if (d[j] !== b) continue;
      const v = d[j + 1]! + c;
      if (v <= 0) {
        // Gone from the window: the last entry takes its place.
        d[j] = d[end - 2]!;
        d[j + 1] = d[end - 1]!;
        L.len[a] = n - 1;
      } else if (j > off && c > 0) {
        // One place forward: frequent neighbours end up near the front, found sooner.
        d[j] = d[j - 2]!;
        d[j + 1] = d[j - 1]!;
        d[j - 2] = b;
        d[j - 1] = v;
      } else d[j + 1] = v;
      return;
    }
    // Not a neighbour: a decrement of a forgotten neighbour has nothing to take from.
    if (c <= 0) return;
    if (n === L.cap[a]) {
      if (n >= 2 * this.keep) {
        this.prune(a);
        return this.neighbour(a, b, c);
      }
      L.reserve(a, n + 1);
      d = L.pool.data;
    }
    const at = L.off[a]! + 2 * n;
    d[at] = b;
    d[at + 1] = c;
    L.len[a] = n + 1;
  }

  /** Keep the `keep` strongest neighbours of `a` (ties: those nearer the front), in their order. */
  private prune(a: number): void {
    const L = this.nb;
    const off = L.off[a]!;
    const n = L.len[a]!;
    const d = L.pool.data;
    if (this.scratch.length < n) this.scratch = new Int32Array(n);
    const counts = this.scratch.subarray(0, n);
    for (let j = 0; j < n; j++) counts[j] = d[off + 2 * j + 1]!;
    counts.sort();
    // The keep-th largest count: every count above it stays, and as many equal to it as fit.
    const bar = counts[n - this.keep]!;
    let above = 0;
    for (let j = n - 1; j >= 0 && counts[j]! > bar; j--) above++;
    let equal = this.keep - above;
    let w = off;
    for (let j = 0; j < n; j++) {
      const c = d[off + 2 * j + 1]!;
      if (c < bar || (c === bar && equal-- <= 0)) continue;
      d[w] = d[off + 2 * j]!;
      d[w + 1] = c;
      w += 2;
    }
    L.len[a] = (w - off) / 2;
  }

  entries(): number {
    let n = 0;
    for (let i = 0; i < this.nb.len.length; i++) n += this.nb.len[i]!;
    return n;
  }

  bytes(): number {
    return this.freq.byteLength + this.nb.bytes();
  }
}

/**
 * Per-profile state, by slot: latest views and purchases as (id, at) pairs, newest first;
 * the latest cart; the current session's group and keys.
 */
class Profiles {
  /** Profile id → slot (a prototype-less object: faster than a Map with fresh strings). */
  private readonly index: Record<string, number> = Object.create(null) as Record<string, number>;
  private count = 0;
  private readonly ids: (string | undefined)[] = [];
  private readonly vacant: number[] = [];
  private capacity = 1024;
  lastAt = new Float64Array(1024);
  cartAt = new Float64Array(1024);
  cartSeq = new Float64Array(1024);
  sessionIdx = new Float64Array(1024);
  sessionGroup = new Float64Array(1024);
  readonly views = new ListSet((n) => new Float64Array(n), 2, 1024);
  readonly purchases = new ListSet((n) => new Float64Array(n), 2, 1024);
  readonly cart = new ListSet((n) => new Int32Array(n), 1, 1024);
  readonly session = new ListSet((n) => new Int32Array(n), 1, 1024);

  get size(): number {
    return this.count;
  }

  find(id: string): number | undefined {
    return this.index[id];
  }

  private lists(): ListSet<Float64Array | Int32Array>[] {
    return [this.views, this.purchases, this.cart, this.session];
  }

  slot(id: string): number {
    let i = this.index[id];
    if (i !== undefined) return i;
    i = this.vacant.length ? this.vacant.pop()! : this.ids.length;
    if (i >= this.capacity) {
      this.capacity *= 2;
      this.lastAt = grown(this.lastAt, this.capacity);
      this.cartAt = grown(this.cartAt, this.capacity);
      this.cartSeq = grown(this.cartSeq, this.capacity);
      this.sessionIdx = grown(this.sessionIdx, this.capacity);
      this.sessionGroup = grown(this.sessionGroup, this.capacity);
      for (const l of this.lists()) l.grow(this.capacity);
    }
    this.index[id] = i;
    this.count++;
    this.ids[i] = id;
    this.lastAt[i] = this.cartAt[i] = this.sessionIdx[i] = -Infinity;
    this.cartSeq[i] = this.sessionGroup[i] = 0;
    return i;
  }

  /** What was `id`'s is `alias`'s (a deleted profile: see `CatalogEngine.forgetProfile`). */
  rename(id: string, alias: string): void {
    const i = this.index[id];
    if (i === undefined) return;
    delete this.index[id];
    this.index[alias] = i;
    this.ids[i] = alias;
  }

  /** Forget the profiles with no signal since `cutoff`. */
  evict(cutoff: number): void {
    for (let i = 0; i < this.ids.length; i++) {
      const id = this.ids[i];
      if (id === undefined || this.lastAt[i]! >= cutoff) continue;
      delete this.index[id];
      this.count--;
      this.ids[i] = undefined;
      for (const l of this.lists()) l.release(i);
      this.vacant.push(i);
    }
  }

  defragment(force = false): number {
    let n = 0;
    for (const l of this.lists()) if (l.defragment(force)) n++;
    return n;
  }

  bytes(): number {
    let n = this.lastAt.byteLength * 5;
    for (const l of this.lists()) n += l.bytes();
    return n;
  }
}

/**
 * Put key `id`, seen at `at`, in its place in list `i` (newest first, at most `max`). Every
 * key recorded is more recent than those already there at the same time (signals are
 * recorded in order, and a signal's keys from its last to its first), so the time alone
 * places it: before every entry at the same time or earlier.
 */
function touchRecent(l: ListSet<Float64Array>, i: number, id: number, at: number, max: number): void {
  let d = l.pool.data;
  let off = l.off[i]!;
  let n = l.len[i]!;
  for (let k = 0; k < n; k++) {
    const o = off + 2 * k;
    if (d[o] !== id) continue;
    if (at < d[o + 1]!) return;
    // Newer: take it out, and put it back in its place below.
    d.copyWithin(o, o + 2, off + 2 * n);
    n--;
    break;
  }
  let pos = 0;
  while (pos < n && d[off + 2 * pos + 1]! > at) pos++;
  if (pos >= max) {
    l.len[i] = n;
    return;
  }
  if (n >= max) n = max - 1;
  if (n + 1 > l.cap[i]!) {
    l.len[i] = n;
    l.reserve(i, n + 1);
    d = l.pool.data;
    off = l.off[i]!;
  }
  const o = off + 2 * pos;
  d.copyWithin(o + 2, o, off + 2 * n);
  d[o] = id;
  d[o + 1] = at;
  l.len[i] = n + 1;
}

function grown<T extends Int32Array | Float64Array>(a: T, capacity: number, fill = 0): T {
  if (a.length >= capacity) return a;
  const b = (a instanceof Float64Array ? new Float64Array(capacity) : new Int32Array(capacity)) as T;
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export interface IncrementalStats {
  keys: number;
  items: number;
  profiles: number;
  buckets: number;
  /** Entries of the bucket logs (key counts, and keys of baskets and sessions). */
  logEntries: number;
  neighbourEntries: number;
  popularViews: number;
  /** How many times a pool of lists was compacted. */
  defragmentations: number;
  /** Bytes of typed arrays (allocated, a lower bound of the engine's memory), by part. */
  bytes: { logs: number; neighbours: number; profiles: number; popular: number };
  arrayBytes: number;
}

export class IncrementalCatalogEngine implements CatalogEngine {
  readonly keyField: string;
  readonly config: RecsConfig;
  private readonly options: IncrementalOptions;
  private readonly topCap: number;

  private readonly items = new Map<string, CatalogItem>();
  /** Key → id. A prototype-less object: with fresh strings from parsed events, faster than a Map. */
  private readonly ids: Record<string, number> = Object.create(null) as Record<string, number>;
  private readonly keys: string[] = [];
  private capacity = 1024;
  private readonly categoryOf: (string | undefined)[] = [];
  private readonly categoryMembers = new Map<string, Set<number>>();

  private readonly buckets = new Map<number, Bucket>();
  /** Bucket indices, ascending. */
  private readonly bucketOrder: number[] = [];
  private lastBucket?: Bucket;
  private readonly views = new Map<string, PopularView>();
  /** cartBased, boughtTogether, viewedTogether: also the index of their group log in a bucket. */
  private readonly tables: [CoTable, CoTable, CoTable];
  private readonly profiles = new Profiles();

  /** The latest signal time: what the retention is measured from. */
  private dataNow = -Infinity;
  private seq = 0;
  private groupSeq = 0;
  private nextEviction = -Infinity;
  private defragmentations = 0;
  private scratch = new Float64Array(1024);
  private idBuf = new Int32Array(64);
  private groupBuf = new Int32Array(64);
  private readonly groupScratch = { ids: new Int32Array(64) };

  constructor(options: IncrementalOptions & { keyField: string }) {
    this.keyField = options.keyField;
    this.options = options;
    this.config = recsConfig(options);
    const keep = Math.max(1, Math.floor(options.neighbours ?? 64));
    this.topCap = Math.max(1, Math.floor(options.topCandidates ?? 256));
    const w = this.config.windows;
    this.tables = [new CoTable(0, w.cartBased, -Infinity, this.capacity, keep), new CoTable(1, w.boughtTogether, -Infinity, this.capacity, keep), new CoTable(2, w.viewedTogether, -Infinity, this.capacity, keep)];
    for (const window of new Set([w.popular, ...(options.popularWindows ?? [])].map((x) => Math.min(x, this.config.retentionMs)))) {
      if (!(window > 0)) continue;
      for (const slot of [VIEWS, PURCHASES] as const) this.views.set(`${slot}:${window}`, new PopularView(slot, window, -Infinity, this.keys, this.capacity, this.topCap));
    }
  }

  // ── items ──────────────────────────────────────────────────────────────────────────────

  upsertItems(items: CatalogItem[]): UpsertResult {
    const { accepted, result } = checkItems(items, { keyField: this.keyField, itemType: this.options.itemType, onRejectedItem: this.options.onRejectedItem });
    for (const [k, item] of accepted) {
      this.items.set(k, item);
      const c = item[this.config.categoryField];
      this.setCategory(this.intern(k), typeof c === "string" ? c : undefined);
    }
    return result;
  }

  removeItems(keys: string[]): void {
    for (const raw of keys) {
      const k = String(raw);
      if (!this.items.delete(k)) continue;
      this.setCategory(this.ids[k]!, undefined);
    }
  }

  item(key: string): CatalogItem | undefined {
    return this.items.get(key);
  }

  private setCategory(id: number, category: string | undefined): void {
    const old = this.categoryOf[id];
    if (old === category) return;
    if (old !== undefined) {
      this.categoryMembers.get(old)?.delete(id);
      for (const v of this.views.values()) v.categories.get(old)?.decreased(id, true);
    }
    this.categoryOf[id] = category;
    if (category !== undefined) {
      let m = this.categoryMembers.get(category);
      if (!m) this.categoryMembers.set(category, (m = new Set()));
      m.add(id);
      for (const v of this.views.values()) if (v.counts[id]! > 0) v.categories.get(category)?.increased(id);
    }
  }

  private intern(key: string): number {
    let id = this.ids[key];
    if (id !== undefined) return id;
    id = this.keys.length;
    if (id >= MAX_KEYS) throw new Error(`the catalog engine holds at most ${MAX_KEYS} distinct keys`);
    this.ids[key] = id;
    this.keys.push(key);
    if (id >= this.capacity) {
      this.capacity *= 2;
      for (const v of this.views.values()) v.grow(this.capacity);
      for (const t of this.tables) t.grow(this.capacity);
      this.scratch = grown(this.scratch, this.capacity);
    }
    return id;
  }

  // ── signals ────────────────────────────────────────────────────────────────────────────

  private bucket(t: number): number {
    return Math.floor(t / this.config.bucketMs);
  }

  private retentionStart(): number {
    return this.bucket(this.dataNow - this.config.retentionMs);
  }

  forgetProfile(profileId: string, alias: string): void {
    this.profiles.rename(profileId, alias);
  }

  signalsNeededSince(): number | undefined {
    if (this.dataNow === -Infinity) return undefined;
    // A bucket's worth and a session's worth of slack: see docs/recommendations.md, "Persistence".
    return this.retentionStart() * this.config.bucketMs - this.config.sessionMs - this.config.bucketMs;
  }

  recordSignal(signal: Signal): void {
    if (!signal || !Array.isArray(signal.keys) || !Number.isFinite(signal.at) || (signal.kind !== "view" && signal.kind !== "cart" && signal.kind !== "purchase")) {
      throw new TypeError("recordSignal: a signal needs `kind` (view, cart or purchase), `keys` (a list) and `at` (a time in ms)");
    }
    const seq = ++this.seq;
    const raw = signal.keys;
    // An empty cart empties the profile's cart (`inCart`); an empty view or purchase changes nothing.
    if (!raw.length && signal.kind !== "cart") return;
    const at = signal.at;
    if (at > this.dataNow) this.advanceData(at);
    const b = this.bucket(at);
    const retained = this.retentionStart();
    // Older than every window: it can change no answer.
    if (b < retained) return;
    // The distinct keys, in order, as ids (in a buffer reused by every signal).
    if (this.idBuf.length < raw.length) this.idBuf = new Int32Array(raw.length * 2);
    const ids = this.idBuf;
    let n = 0;
    next: for (let i = 0; i < raw.length; i++) {
      const k = raw[i];
      const id = this.intern(typeof k === "string" ? k : String(k));
      for (let j = 0; j < n; j++) if (ids[j] === id) continue next;
      ids[n++] = id;
    }
    const P = this.profiles;
    const p = P.slot(signal.profileId);
    if (at > P.lastAt[p]!) P.lastAt[p] = at;
    const c = this.config;
    const g = Math.min(n, c.maxGroupItems);
    switch (signal.kind) {
      case "view": {
        for (let i = n - 1; i >= 0; i--) touchRecent(P.views, p, ids[i]!, at, c.recentItems);
        this.count(VIEWS, b, ids, n);
        const idx = Math.floor(at / c.sessionMs);
        if (idx < P.sessionIdx[p]!) break;
        const S = P.session;
        if (idx > P.sessionIdx[p]!) {
          P.sessionIdx[p] = idx;
          P.sessionGroup[p] = ++this.groupSeq;
          S.len[p] = 0;
        }
        const sb = this.bucket(idx * c.sessionMs);
        if (sb < retained) break;
        // The session's keys so far, then the new ones.
        const had = S.len[p]!;
        if (this.groupBuf.length < had + g) this.groupBuf = new Int32Array(2 * (had + g));
        const group = this.groupBuf;
        group.set(S.pool.data.subarray(S.off[p]!, S.off[p]! + had));
        let m = had;
        for (let i = 0; i < g && m < c.maxGroupItems; i++) {
          const id = ids[i]!;
          let seen = false;
          for (let j = 0; j < m; j++) {
            if (group[j] === id) {
              seen = true;
              break;
            }
          }
          if (!seen) group[m++] = id;
        }
        if (m === had) break;
        this.group(2, sb, P.sessionGroup[p]!, group, had, m);
        S.reserve(p, m);
        S.pool.data.set(group.subarray(had, m), S.off[p]! + had);
        S.len[p] = m;
        break;
      }
      case "cart":
        if (at > P.cartAt[p]! || (at === P.cartAt[p] && seq > P.cartSeq[p]!)) {
          const m = Math.min(n, c.cartItems);
          P.cart.len[p] = 0;
          P.cart.reserve(p, m);
          P.cart.pool.data.set(ids.subarray(0, m), P.cart.off[p]!);
          P.cart.len[p] = m;
          P.cartAt[p] = at;
          P.cartSeq[p] = seq;
        }
        if (g) this.group(0, b, ++this.groupSeq, ids, 0, g);
        break;
      case "purchase": {
        for (let i = n - 1; i >= 0; i--) touchRecent(P.purchases, p, ids[i]!, at, c.purchasedItems);
        this.count(PURCHASES, b, ids, n);
        const group = ++this.groupSeq;
        this.group(0, b, group, ids, 0, g);
        this.group(1, b, group, ids, 0, g);
        break;
      }
    }
  }

  private bucketAt(index: number): Bucket {
    let b = this.lastBucket;
    if (b && b.index === index) return b;
    b = this.buckets.get(index);
    if (!b) {
      b = { index, counts: [undefined, undefined], groups: [undefined, undefined, undefined], closed: index < this.bucket(this.dataNow) };
      this.buckets.set(index, b);
      const order = this.bucketOrder;
      if (!order.length || order[order.length - 1]! < index) order.push(index);
      else {
        let i = order.length;
        while (i > 0 && order[i - 1]! > index) i--;
        order.splice(i, 0, index);
      }
    }
    return (this.lastBucket = b);
  }

  /** A view or purchase of each key: `popular`. */
  private count(slot: CountSlot, b: number, ids: Int32Array, n: number): void {
    const bucket = this.bucketAt(b);
    const log = (bucket.counts[slot] ??= new CountLog());
    for (let i = 0; i < n; i++) log.add(ids[i]!);
    for (const v of this.views.values()) {
      if (v.slot !== slot || b < v.startBucket) continue;
      for (let i = 0; i < n; i++) {
        const id = ids[i]!;
        v.counts[id]!++;
        v.global.increased(id);
        const cat = this.categoryOf[id];
        if (cat !== undefined) v.categories.get(cat)?.increased(id);
      }
    }
  }

  /** Keys `ids[from..to)` join group `group` (which held `ids[0..from)`) of table `slot`, in bucket `b`. */
  private group(slot: number, b: number, group: number, ids: Int32Array, from: number, to: number): void {
    const bucket = this.bucketAt(b);
    const log = (bucket.groups[slot] ??= new GroupLog());
    for (let i = from; i < to; i++) log.add(group, ids[i]!);
    const t = this.tables[slot]!;
    if (b >= t.startBucket) t.group(ids, from, to, 1);
  }

  // ── time ───────────────────────────────────────────────────────────────────────────────

  /** The latest signal moved to `t`: windows slide, old buckets go, idle profiles are forgotten. */
  private advanceData(t: number): void {
    const before = this.bucket(this.dataNow);
    this.dataNow = t;
    const now = this.bucket(t);
    if (now === before) return;
    for (const v of this.views.values()) this.advanceView(v, t);
    for (const table of this.tables) this.advanceTable(table, t);
    const retained = this.retentionStart();
    while (this.bucketOrder.length && this.bucketOrder[0]! < retained) this.buckets.delete(this.bucketOrder.shift()!);
    this.lastBucket = undefined;
    for (const b of this.bucketOrder) {
      if (b >= now) break;
      const bucket = this.buckets.get(b)!;
      if (bucket.closed) continue;
      bucket.closed = true;
      for (const l of bucket.counts) l?.compact();
      for (const l of bucket.groups) l?.compact();
    }
    if (t >= this.nextEviction) {
      // Swept about 30 times per retention: a forgotten profile had no signal in it.
      this.profiles.evict(retained * this.config.bucketMs);
      this.nextEviction = t + Math.max(this.config.bucketMs, this.config.retentionMs / 30);
    }
    this.defragmentations += this.profiles.defragment();
    for (const table of this.tables) if (table.nb.defragment()) this.defragmentations++;
  }

  /** Subtract the buckets that left the view's window at `now`. */
  private advanceView(v: PopularView, now: number): void {
    const start = this.bucket(now - v.windowMs);
    if (start <= v.startBucket) return;
    const sets = [v.global, ...v.categories.values()];
    for (const s of sets) s.beginExpiry();
    for (const b of this.bucketOrder) {
      if (b >= start) break;
      if (b < v.startBucket) continue;
      const log = this.buckets.get(b)!.counts[v.slot];
      if (!log) continue;
      for (let i = 0; i < log.n; i++) {
        const id = log.codes[i]!;
        v.counts[id]! -= log.counts[i]!;
        v.global.decreased(id);
        const cat = this.categoryOf[id];
        if (cat !== undefined) v.categories.get(cat)?.decreased(id);
      }
    }
    for (const s of sets) s.endExpiry();
    v.startBucket = start;
  }

  private advanceTable(t: CoTable, now: number): void {
    const start = this.bucket(now - t.windowMs);
    if (start <= t.startBucket) return;
    for (const b of this.bucketOrder) {
      if (b >= start) break;
      if (b < t.startBucket) continue;
      this.buckets.get(b)!.groups[t.slot]?.forEachGroup((ids, n) => t.group(ids, 0, n, -1), this.groupScratch);
    }
    t.startBucket = start;
  }

  // ── answers ────────────────────────────────────────────────────────────────────────────

  profileKeys(profileId: string, kind: SignalKind, now = this.dataNow): Set<string> {
    const P = this.profiles;
    const p = P.find(profileId);
    const out = new Set<string>();
    if (p === undefined) return out;
    const start = this.bucket(now - this.config.retentionMs);
    if (kind === "cart") {
      if (this.bucket(P.cartAt[p]!) >= start) for (let j = 0; j < P.cart.len[p]!; j++) out.add(this.keys[P.cart.pool.data[P.cart.off[p]! + j]!]!);
      return out;
    }
    for (const k of this.recent(kind === "view" ? P.views : P.purchases, p, start)) out.add(k);
    return out;
  }

  private recent(l: ListSet<Float64Array>, p: number | undefined, startBucket: number): string[] {
    const out: string[] = [];
    if (p === undefined) return out;
    const d = l.pool.data;
    const off = l.off[p]!;
    for (let k = 0; k < l.len[p]!; k++) {
      if (this.bucket(d[off + 2 * k + 1]!) < startBucket) break;
      out.push(this.keys[d[off + 2 * k]!]!);
    }
    return out;
  }

  recommend(req: CatalogRequest): CatalogItem[] {
    const out: CatalogItem[] = [];
    // Ask the ranking for a little more than wanted (keys without an item are skipped); if
    // that is not enough, for everything.
    for (const want of [req.limit + 16, Infinity]) {
      out.length = 0;
      const keys = this.rank(req, want);
      for (const k of keys) {
        const item = this.items.get(k);
        if (item) out.push(item);
        if (out.length >= req.limit) return out;
      }
      if (keys.length < want) return out;
    }
    return out;
  }

  /** The best `limit` keys, best first, ties by key (all of them by default). */
  rank(req: RankRequest, limit = Infinity): string[] {
    if (!(BUILT_IN_ALGORITHMS as readonly string[]).includes(req.algorithm)) throw new Error(`unknown algorithm \`${req.algorithm}\``);
    const windowMs = requestWindow(this.config, req.algorithm, req.named);
    switch (req.algorithm) {
      case "recentlyViewed": {
        const keys = this.recent(this.profiles.views, this.profiles.find(req.profileId), this.bucket(req.now - windowMs));
        return keys.length > limit ? keys.slice(0, limit) : keys;
      }
      case "popular":
        return this.popular(req.named["by"] === "views" ? VIEWS : PURCHASES, windowMs, req.named["category"], req.now, limit);
      case "cartBased":
        return this.cooccurring(this.tables[0], anchorsOf(req.args[0]), req.now, windowMs, limit);
      case "boughtTogether":
        return this.cooccurring(this.tables[1], anchorsOf([req.args[0]]), req.now, windowMs, limit);
      default:
        return this.cooccurring(this.tables[2], anchorsOf([req.args[0]]), req.now, windowMs, limit);
    }
  }

  private popular(slot: CountSlot, windowMs: number, category: unknown, now: number, limit: number): string[] {
    const start = this.bucket(now - windowMs);
    const cat = category === undefined || category === null ? undefined : category;
    if (cat !== undefined && typeof cat !== "string") return [];
    const id = `${slot}:${windowMs}`;
    let v = this.views.get(id);
    if (!v) {
      // A window asked for the first time: counted from the logs, then kept up to date.
      v = new PopularView(slot, windowMs, Math.max(start, this.bucket(this.dataNow - windowMs)), this.keys, this.capacity, this.topCap);
      for (const b of this.bucketOrder) {
        if (b < v.startBucket) continue;
        const log = this.buckets.get(b)!.counts[slot];
        if (log) for (let i = 0; i < log.n; i++) v.counts[log.codes[i]!]! += log.counts[i]!;
      }
      v.global.rebuild(this.allIds(), this.topCap);
      this.views.set(id, v);
    }
    this.advanceView(v, now);
    // A request dated before what the view covers, or for everything: from the logs.
    if (start < v.startBucket || !Number.isFinite(limit)) return this.popularFromLogs(slot, start, cat, limit, v);
    let set = v.global;
    if (cat !== undefined) {
      set = v.categories.get(cat)!;
      if (!set) {
        v.categories.set(cat, (set = new TopSet(v, this.topCap, false)));
        set.rebuild(this.categoryMembers.get(cat) ?? [], this.topCap);
      }
    }
    if (!set.complete && set.size < limit) set.rebuild(cat === undefined ? this.allIds() : (this.categoryMembers.get(cat) ?? []), Math.max(set.cap, 2 * limit));
    const ranked = set.ranked();
    const n = Math.min(limit, ranked.length);
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = this.keys[ranked[i]!]!;
    return out;
  }

  private *allIds(): Iterable<number> {
    for (let i = 0; i < this.keys.length; i++) yield i;
  }

  private popularFromLogs(slot: CountSlot, start: number, category: string | undefined, limit: number, v: PopularView): string[] {
    const counts = new Map<number, number>();
    if (start === v.startBucket) {
      for (let i = 0; i < this.keys.length; i++) if (v.counts[i]! > 0) counts.set(i, v.counts[i]!);
    } else {
      for (const b of this.bucketOrder) {
        if (b < start) continue;
        const log = this.buckets.get(b)!.counts[slot];
        if (log) for (let i = 0; i < log.n; i++) counts.set(log.codes[i]!, (counts.get(log.codes[i]!) ?? 0) + log.counts[i]!);
      }
    }
    const out = [...counts].filter(([id]) => category === undefined || this.categoryOf[id] === category).map(([id, n]) => [this.keys[id]!, n] as const);
    out.sort((a, b) => b[1] - a[1] || compareKeys(a[0], b[0]));
    return (out.length > limit ? out.slice(0, limit) : out).map(([k]) => k);
  }

  private cooccurring(t: CoTable, anchorKeys: Set<string>, now: number, windowMs: number, limit: number): string[] {
    const anchors: number[] = [];
    for (const k of anchorKeys) {
      const id = this.ids[k];
      if (id !== undefined) anchors.push(id);
    }
    if (!anchors.length) return [];
    this.advanceTable(t, now);
    const start = this.bucket(now - windowMs);
    let scored: [string, number][];
    if (windowMs !== t.windowMs || start < t.startBucket) scored = this.cooccurringFromLogs(t, anchors, start);
    else {
      const scratch = this.scratch;
      const touched: number[] = [];
      const L = t.nb;
      const d = L.pool.data;
      for (const a of anchors) {
        const off = L.off[a]!;
        const end = off + 2 * L.len[a]!;
        for (let j = off; j < end; j += 2) {
          const k = d[j]!;
          if (scratch[k] === 0) {
            if (anchors.includes(k)) continue;
            touched.push(k);
          }
          scratch[k]! += d[j + 1]!;
        }
      }
      scored = new Array(touched.length);
      for (let i = 0; i < touched.length; i++) {
        const k = touched[i]!;
        scored[i] = [this.keys[k]!, scratch[k]! / Math.sqrt(t.freq[k]!)];
        scratch[k] = 0;
      }
    }
    scored.sort((a, b) => b[1] - a[1] || compareKeys(a[0], b[0]));
    const n = Math.min(limit, scored.length);
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = scored[i]![0];
    return out;
  }

  private cooccurringFromLogs(t: CoTable, anchors: number[], start: number): [string, number][] {
    const freq = new Map<number, number>();
    const co = new Map<number, number>();
    for (const b of this.bucketOrder) {
      if (b < start) continue;
      this.buckets.get(b)!.groups[t.slot]?.forEachGroup((ids, n) => {
        let hits = 0;
        for (let i = 0; i < n; i++) {
          freq.set(ids[i]!, (freq.get(ids[i]!) ?? 0) + 1);
          if (anchors.includes(ids[i]!)) hits++;
        }
        if (hits) for (let i = 0; i < n; i++) if (!anchors.includes(ids[i]!)) co.set(ids[i]!, (co.get(ids[i]!) ?? 0) + hits);
      }, this.groupScratch);
    }
    return [...co].map(([k, n]) => [this.keys[k]!, n / Math.sqrt(freq.get(k)!)]);
  }

  // ── diagnostics ────────────────────────────────────────────────────────────────────────

  /** Compact the pools of lists now (it also happens by itself when more than half of a pool is freed space). */
  compact(): void {
    this.defragmentations += this.profiles.defragment(true);
    for (const table of this.tables) if (table.nb.defragment(true)) this.defragmentations++;
  }

  stats(): IncrementalStats {
    let logEntries = 0;
    let logs = 0;
    for (const b of this.buckets.values()) {
      for (const l of [...b.counts, ...b.groups]) {
        if (!l) continue;
        logEntries += l.n;
        logs += l.bytes();
      }
    }
    let neighbourEntries = 0;
    let neighbours = 0;
    for (const t of this.tables) {
      neighbourEntries += t.entries();
      neighbours += t.bytes();
    }
    let popular = 0;
    for (const v of this.views.values()) popular += v.counts.byteLength * 3;
    const profiles = this.profiles.bytes();
    return {
      keys: this.keys.length,
      items: this.items.size,
      profiles: this.profiles.size,
      buckets: this.buckets.size,
      logEntries,
      neighbourEntries,
      popularViews: this.views.size,
      defragmentations: this.defragmentations,
      bytes: { logs, neighbours, profiles, popular },
      arrayBytes: logs + neighbours + profiles + popular,
    };
  }
}
