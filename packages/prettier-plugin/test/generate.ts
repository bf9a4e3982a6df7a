/**
 * Random valid Journey programs for the property test, in two steps:
 *
 * 1. a generator builds a well-typed program (declarations, journeys with random steps and
 *    typed expressions, an experience, a test) as a stream of tokens; expressions are trees
 *    printed with the parentheses precedence needs, plus redundant ones at random;
 * 2. a layout printer joins the tokens with random white space (spaces, tabs, line breaks,
 *    blank lines, none where allowed) and random comments (line, block, multi-line block, and
 *    `///` doc comments before declarations and fields), and random optional commas.
 *
 * Everything is driven by one seed, so a failing case is reproduced from its seed.
 */

/** A small, fast, seedable generator (mulberry32). */
export class Random {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

// ── expressions ────────────────────────────────────────────────────────────────────────

type Ty = "bool" | "int" | "number" | "string";

type E =
  | { k: "atom"; toks: string[] }
  | { k: "bin"; op: string; l: E; r: E }
  | { k: "un"; op: "not" | "-"; e: E }
  | { k: "call"; name: string; args: E[] }
  | { k: "list"; items: E[] }
  | { k: "if"; c: E; a: E; b: E }
  | { k: "paren"; e: E };

const PREC: Record<string, number> = {
  or: 1, and: 2, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4, in: 4, "??": 5, "+": 6, "-": 6, "*": 7, "/": 7, "%": 7,
};

function prec(e: E): number {
  if (e.k === "if") return 0;
  if (e.k === "bin") return PREC[e.op]!;
  if (e.k === "un") return e.op === "not" ? 3 : 8;
  return 10;
}

/** The expression as tokens, with the parentheses the grammar needs. */
function exprTokens(e: E, min = 0): string[] {
  if (prec(e) < min) return ["(", ...exprTokens(e), ")"];
  switch (e.k) {
    case "atom":
      return e.toks;
    case "paren":
      return ["(", ...exprTokens(e.e), ")"];
    case "un":
      return [e.op, ...exprTokens(e.e, e.op === "not" ? 3 : 8)];
    case "bin": {
      const p = PREC[e.op]!;
      return [...exprTokens(e.l, p), e.op, ...exprTokens(e.r, p + 1)];
    }
    case "call":
      return [e.name, "(", ...e.args.flatMap((a, i) => (i ? [",", ...exprTokens(a)] : exprTokens(a))), ")"];
    case "list":
      return ["[", ...e.items.flatMap((a, i) => (i ? [",", ...exprTokens(a)] : exprTokens(a))), "]"];
    case "if":
      return ["if", ...exprTokens(e.c), "then", ...exprTokens(e.a), "else", ...exprTokens(e.b)];
  }
}

const atom = (...toks: string[]): E => ({ k: "atom", toks });
const path = (p: string): E => atom(...p.split(/(\.)/).filter(Boolean));

interface Env {
  cart: boolean;
  item: boolean;
  /** The name the awaited `OrderPlaced` has here (`event` or an alias). */
  order?: string;
  /** Only names of the profile (audiences, experiences). */
  profileOnly?: boolean;
}

const STRINGS = ['"hello"', '"a \\"quoted\\" word"', '"caf\\u00e9"', '"tab\\there"', '"{{not a template}}"', '""', '"x"'];

export class ProgramGenerator {
  private n = 0;
  /** The named splits generated so far: the test chooses arms of them. */
  private readonly experiments: string[] = [];
  constructor(private readonly r: Random) {}

  fresh(prefix: string): string {
    return `${prefix}${++this.n}`;
  }

  expr(ty: Ty, env: Env, depth: number): E {
    const e = this.exprInner(ty, env, depth);
    return this.r.chance(0.08) ? { k: "paren", e } : e;
  }

  private exprInner(ty: Ty, env: Env, depth: number): E {
    const r = this.r;
    const leaf = depth <= 0 || r.chance(0.35);
    if (!leaf && r.chance(0.08)) return { k: "if", c: this.expr("bool", env, depth - 1), a: this.expr(ty, env, depth - 1), b: this.expr(ty, env, depth - 1) };
    switch (ty) {
      case "int": {
        if (leaf) {
          const opts: E[] = [atom(String(r.int(0, 9999))), path("profile.points")];
          if (env.cart && !env.profileOnly) opts.push({ k: "call", name: "length", args: [path("cart.items")] });
          return r.pick(opts);
        }
        return r.pick<() => E>([
          () => ({ k: "bin", op: r.pick(["+", "-", "*"]), l: this.expr("int", env, depth - 1), r: this.expr("int", env, depth - 1) }),
          () => ({ k: "un", op: "-", e: this.expr("int", env, depth - 1) }),
          () => ({ k: "call", name: "length", args: [this.nonLiteralString(env, depth - 1)] }),
          () => ({ k: "call", name: "round", args: [this.expr("number", env, depth - 1)] }),
          () => ({ k: "call", name: "daysSince", args: [{ k: "call", name: "now", args: [] }] }),
        ])();
      }
      case "number": {
        if (leaf) {
          const opts: E[] = [atom(`${r.int(0, 999)}.${r.int(1, 99)}`), atom(String(r.int(0, 99)))];
          if (env.cart && !env.profileOnly) opts.push(path("cart.total"));
          if (env.item) opts.push(path("item.price"));
          if (env.order) opts.push(path(`${env.order}.total`));
          return r.pick(opts);
        }
        return r.pick<() => E>([
          () => ({ k: "bin", op: r.pick(["+", "-", "*", "/"]), l: this.expr("number", env, depth - 1), r: this.expr("number", env, depth - 1) }),
          () => ({ k: "un", op: "-", e: this.expr("number", env, depth - 1) }),
          () => ({ k: "call", name: r.pick(["min", "max"]), args: [this.expr("number", env, depth - 1), this.expr("number", env, depth - 1)] }),
          () => this.expr("int", env, depth - 1),
        ])();
      }
      case "string": {
        if (leaf) return r.chance(0.5) ? atom(r.pick(STRINGS)) : this.nonLiteralString(env, 0);
        return r.pick<() => E>([
          () => ({ k: "bin", op: "+", l: this.expr("string", env, depth - 1), r: this.expr("string", env, depth - 1) }),
          () => this.nonLiteralString(env, depth - 1),
        ])();
      }
      case "bool": {
        if (leaf) {
          const opts: E[] = [atom(r.pick(["true", "false"])), path(`profile.consent.${r.pick(["email", "sms", "push"])}`)];
          if (env.item) opts.push(path("item.inStock"));
          return r.pick(opts);
        }
        const numeric = (): E => this.expr(r.pick(["int", "number"] as const), env, depth - 1);
        return r.pick<() => E>([
          () => ({ k: "bin", op: r.pick(["<", "<=", ">", ">=", "==", "!="]), l: this.nonLiteralNumber(env, depth - 1), r: numeric() }),
          () => ({ k: "bin", op: r.pick(["==", "!="]), l: this.nonLiteralString(env, depth - 1), r: this.expr("string", env, depth - 1) }),
          () => ({ k: "un", op: "not", e: this.expr("bool", env, depth - 1) }),
          () => ({ k: "bin", op: r.pick(["and", "or"]), l: this.expr("bool", env, depth - 1), r: this.expr("bool", env, depth - 1) }),
          () => ({ k: "bin", op: "and", l: this.expr("bool", env, depth - 1), r: this.expr("bool", env, depth - 1) }),
          () => ({ k: "call", name: r.pick(["contains", "startsWith"]), args: [this.nonLiteralString(env, depth - 1), this.expr("string", env, depth - 1)] }),
          () => ({ k: "bin", op: r.pick(["==", "!="]), l: path(r.pick(["profile.firstName", "profile.lastActiveAt", "profile.city"])), r: atom("null") }),
          () => ({ k: "bin", op: "in", l: path("profile.tier"), r: { k: "list", items: [atom('"gold"'), atom('"silver"')] } }),
        ])();
      }
    }
  }

  /** A string whose type is `string` (never a literal type: comparing two literals is an error). */
  private nonLiteralString(env: Env, depth: number): E {
    const r = this.r;
    const opts: E[] = [
      path("profile.email"),
      path("profile.timezone"),
      { k: "bin", op: "??", l: path("profile.firstName"), r: atom(r.pick(STRINGS)) },
    ];
    if (env.cart && !env.profileOnly) opts.push(path("cart.cartId"));
    if (env.item) opts.push(path("item.name"));
    if (env.order) opts.push(path(`${env.order}.orderId`));
    const base = r.pick(opts);
    if (depth > 0 && r.chance(0.3)) return { k: "call", name: r.pick(["lower", "upper", "trim"]), args: [this.expr("string", env, depth - 1)] };
    return base;
  }

  private nonLiteralNumber(env: Env, depth: number): E {
    const r = this.r;
    const opts: E[] = [path("profile.points")];
    if (env.cart && !env.profileOnly) opts.push(path("cart.total"), { k: "call", name: "length", args: [path("cart.items")] });
    if (env.item) opts.push(path("item.price"));
    if (env.order) opts.push(path(`${env.order}.total`));
    if (depth > 0 && r.chance(0.3)) return { k: "bin", op: r.pick(["+", "*"]), l: r.pick(opts), r: this.expr("int", env, depth - 1) };
    return r.pick(opts);
  }

  e(ty: Ty, env: Env, depth = this.r.int(0, 3)): string[] {
    return exprTokens(this.expr(ty, env, depth));
  }

  /**
   * A condition, long (too long for a line at the usual widths) half the time: a chain of
   * `and` and `or` of 3 to 7 operands, some of them chains themselves (in parentheses, under
   * `not`, or a sum compared), which is what the formatter breaks over lines.
   */
  condition(env: Env): string[] {
    return this.r.chance(0.5) ? exprTokens(this.longBool(env, 2)) : this.e("bool", env);
  }

  private longBool(env: Env, depth: number): E {
    const r = this.r;
    const operand = (): E => {
      if (depth > 0 && r.chance(0.25)) {
        const chain = this.longBool(env, depth - 1);
        return r.chance(0.5) ? { k: "un", op: "not", e: chain } : { k: "paren", e: chain };
      }
      if (r.chance(0.15)) {
        // A sum compared: a chain of another precedence inside the chain.
        const terms = Array.from({ length: r.int(2, 5) }, () => this.nonLiteralNumber(env, 1));
        const sum = terms.reduce((l, x): E => ({ k: "bin", op: r.pick(["+", "-"]), l, r: x }));
        return { k: "bin", op: r.pick(["<", ">="]), l: sum, r: atom(String(r.int(0, 99999))) };
      }
      return this.expr("bool", env, r.int(1, 2));
    };
    const n = r.int(3, 7);
    let e = operand();
    for (let i = 1; i < n; i++) e = { k: "bin", op: r.pick(["and", "and", "or"]), l: e, r: operand() };
    return e;
  }

  /** Many arguments or items: lists and calls that break one per line. */
  private longValue(env: Env): string[] {
    const r = this.r;
    if (r.chance(0.5)) {
      const items = Array.from({ length: r.int(3, 9) }, () => [`"${"item-".repeat(r.int(1, 4))}${this.fresh("")}"`]);
      return ["[", ...items.flatMap((x, i) => (i ? [",", ...x] : x)), "]"];
    }
    const args = Array.from({ length: r.int(2, 5) }, () => this.e("number", env, r.int(1, 3)));
    return ["max", "(", ...args.flatMap((x, i) => (i ? [",", ...x] : x)), ")"];
  }

  // ── programs ─────────────────────────────────────────────────────────────────────────

  /** `{ a: T b: U }` with optional commas, a doc slot before each field. */
  fieldBlock(fields: string[][]): string[] {
    const out = ["{"];
    fields.forEach((f, i) => {
      out.push(DOC, ...f);
      if (i + 1 < fields.length && this.r.chance(0.5)) out.push(",");
    });
    out.push("}");
    return out;
  }

  record(entries: [string, string[]][]): string[] {
    const out = ["{"];
    entries.forEach(([k, v], i) => {
      out.push(k, ":", ...v);
      if (i + 1 < entries.length && this.r.chance(0.6)) out.push(",");
    });
    out.push("}");
    return out;
  }

  content(fields: [string, string[]][]): string[] {
    const out = ["{"];
    fields.forEach(([k, v], i) => {
      out.push(k, ...v);
      if (i + 1 < fields.length && this.r.chance(0.3)) out.push(",");
    });
    out.push("}");
    return out;
  }

  tripleString(lines: string[]): string {
    const r = this.r;
    if (r.chance(0.3)) return `"""${lines.join(" ")}"""`;
    const indent = " ".repeat(r.int(0, 8));
    const inner = lines.map((l, i) => (l === "" ? "" : indent + (i % 2 ? "  " : "") + l)).join("\n");
    return `"""\n${inner}\n${" ".repeat(r.int(0, 6))}"""`;
  }

  schema(): string[] {
    const r = this.r;
    const t: string[] = [];
    t.push(DOC, "profile", ...this.fieldBlock([
      ["email", ":", "string"],
      ["firstName", "?", ":", "string"],
      ["phone", "?", ":", "string"],
      ["city", "?", ":", "string"],
      ["timezone", ":", "string", "=", '"UTC"'],
      ["tier", ":", '"bronze"', "|", '"silver"', "|", '"gold"', "=", '"bronze"'],
      ["points", ":", "int", "=", "0"],
      ["consent", ":", ...this.fieldBlock([["email", ":", "bool"], ["sms", ":", "bool"], ["push", ":", "bool"]])],
      ["lastActiveAt", "?", ":", "datetime"],
    ]));
    const lineItem = [["sku", ":", "string"], ["name", ":", "string"], ["price", ":", "number"], ["qty", ":", "int"]];
    t.push(DOC, "type", "LineItem", ...(r.chance(0.5) ? ["=", ...this.fieldBlock(lineItem)] : this.fieldBlock(lineItem)));
    t.push(DOC, "event", "CartAbandoned", ...this.fieldBlock([["cartId", ":", "string"], ["items", ":", "list", "<", "LineItem", ">"], ["total", ":", "number"]]));
    t.push(DOC, "event", "OrderPlaced", ...this.fieldBlock([["orderId", ":", "string"], ["cartId", "?", ":", "string"], ["total", ":", "number"]]));
    t.push(DOC, "event", "SiteVisited", ...this.fieldBlock([["url", ":", "string"]]));
    t.push(DOC, "catalog", "Product", "{", DOC, "key", "sku", ":", "string", DOC, "name", ":", "string", DOC, "price", ":", "number");
    t.push(DOC, "inStock", ":", "bool", "signals", "{", "cart", "CartAbandoned", ".", "items", ".", "sku", ...(r.chance(0.5) ? [","] : []), "}", "}");
    t.push(DOC, "audience", "Engaged", "=", ...this.e("bool", { cart: false, item: false, profileOnly: true }));
    t.push(DOC, "action", "Weather", "(", "city", ":", "string", ")", "->", ...this.fieldBlock([["tempC", ":", "number"]]));
    t.push("{", "get", '"https://weather.example.com/now?city={{city}}"', "timeout", "2s", "retries", String(r.int(0, 3)), "}");
    // `consent` (an expression, so it may break) wherever it is written: first, last or not at all.
    const consent = r.chance(0.6) ? ["consent", ...this.e("bool", { cart: false, item: false, profileOnly: true })] : [];
    const first = r.chance(0.5);
    t.push(DOC, "channel", "email", "{", ...(first ? consent : []), "from", '"Shop <hi@shop.example.com>"', "cap", String(r.int(1, 5)), "per", "7d", "quiet", "21:00", "to", "08:00", ...(first ? [] : consent), "}");
    t.push(DOC, "fragment", "Footer", this.tripleString(['<p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>']));
    t.push(DOC, "template", "Reminder", "(", "cart", ":", "CartAbandoned", ")", "for", "email", "{");
    t.push("subject", '"Your cart {{cart.cartId}}"', "html", this.tripleString(["<h1>Hi {{default profile.firstName 'there'}}</h1>", "", "<p>{{length cart.items}} items</p>", "{{> Footer}}"]));
    // `locale` blocks: none, a partial one, or a whole one, with a comma or not.
    if (r.chance(0.5)) t.push("locale", '"nb-NO"', "{", "subject", '"Handlekurven {{cart.cartId}}"', ...(r.chance(0.5) ? [","] : []), "}");
    if (r.chance(0.5)) t.push("locale", '"sv"', "{", "subject", '"Din varukorg {{cart.cartId}}"', "html", this.tripleString(["<h1>Hej {{default profile.firstName 'du'}}</h1>", "{{> Footer}}"]), "}");
    t.push("}");
    // A block before the field it overrides, or after it.
    const nudge = r.chance(0.5) ? ["locale", '"fi"', "{", "text", '"Ostoskori {{cart.cartId}}"', "}"] : [];
    const before = r.chance(0.5);
    t.push(DOC, "template", "Nudge", "(", "cart", ":", "CartAbandoned", ")", "for", "sms", "{", ...(before ? nudge : []), "text", '"Cart {{cart.cartId}} waits."', ...(before ? [] : nudge), "}");
    return t;
  }

  journey(name: string, other: string): string[] {
    const r = this.r;
    const env: Env = { cart: true, item: false };
    const t: string[] = [DOC, "journey", name, "{", "on", "CartAbandoned", "as", "cart"];
    if (r.chance(0.5)) t.push("where", ...this.condition(env));
    t.push(...r.pick([["reentry", "never"], ["reentry", "always"], ["reentry", "after", `${r.int(1, 9)}d`], []]));
    if (r.chance(0.5)) t.push("exit", "on", "OrderPlaced", ...(r.chance(0.5) ? ["where", "event", ".", "cartId", "==", "cart", ".", "cartId", ...(r.chance(0.5) ? ["and", ...this.condition({ ...env, order: "event" })] : [])] : []));
    if (r.chance(0.5)) t.push("goal", "purchase", ":", "OrderPlaced", ...(r.chance(0.5) ? ["where", ...this.condition({ ...env, order: "event" })] : []), "within", "7d");
    t.push(...this.steps(env, 2, other), "}");
    return t;
  }

  /** A journey to jump to: started by a visit, without an alias. */
  landing(name: string): string[] {
    return [DOC, "journey", name, "{", "on", "SiteVisited", "wait", this.r.pick(["1h", "2d"]), "send", "email", "{", "subject", '"Welcome back"', "text", '"x"', "}", "to", "profile", ".", "email", "}"];
  }

  steps(env: Env, depth: number, other: string): string[] {
    const r = this.r;
    const t: string[] = [];
    const count = r.int(depth > 0 ? 1 : 0, 5);
    for (let i = 0; i < count; i++) t.push(...this.step(env, depth, other));
    if (r.chance(0.15)) t.push(...r.pick([["end"], ["jump", "to", other]]));
    return t;
  }

  private block(env: Env, depth: number, other: string): string[] {
    return ["{", ...this.steps(env, depth - 1, other), "}"];
  }

  private step(env: Env, depth: number, other: string): string[] {
    const r = this.r;
    const kinds = ["wait", "waitUntil", "let", "set", "sendT", "sendC", "sendPush", "webhook", "recommend", "call"];
    if (depth > 0) kinds.push("if", "split", "repeat", "waitFor", "if");
    switch (r.pick(kinds)) {
      case "wait":
        return ["wait", r.pick(["1h", "30m", "1h30m", "2d", "15m"])];
      case "waitUntil": {
        const durations = Array.from({ length: r.chance(0.3) ? r.int(5, 20) : 1 }, () => ["+", r.pick(["1d", "2h", "30m", "1h30m"])]);
        return ["wait", "until", "now", "(", ")", ...durations.flat()];
      }
      case "let":
        if (r.chance(0.2)) return ["let", this.fresh("v"), "=", ...this.longValue(env)];
        return ["let", this.fresh("v"), "=", ...(r.chance(0.2) ? this.condition(env) : this.e(r.pick(["bool", "int", "number", "string"] as const), env))];
      case "set":
        return r.chance(0.5) ? ["set", "profile", ".", "points", "=", ...this.e("int", env)] : ["set", "profile", ".", "lastActiveAt", "=", "now", "(", ")"];
      case "sendT":
        return r.chance(0.5)
          ? ["send", "email", "Reminder", "(", "cart", ")", "to", "profile", ".", "email"]
          : ["send", "sms", "Nudge", "(", "cart", ")", "to", "profile", ".", "phone", "??", '""'];
      case "sendC":
        return ["send", "email", ...this.content([["subject", ['"Hi {{profile.email}}"']], ["text", [this.tripleString(["Line one", "", "Line two {{cart.cartId}}"])]]]), "to", ...this.e("string", env, 1)];
      case "sendPush":
        return [
          "send", "push",
          ...this.content([["title", ['"T"']], ["body", ['"B"']], ["data", this.record([["n", this.e("int", env, 1)], ["s", this.e("string", env, 1)], ["l", ["[", "1", ",", "2", "]"]]])]]),
          "to", "profile", ".", "phone", "??", '""',
        ];
      case "webhook":
        return ["send", "webhook", ...this.content([["url", ['"https://hooks.example.com/{{cart.cartId}}"']], ["json", this.record([["ok", this.e("bool", env, 1)], ["total", this.e("number", env, 1)]])]])];
      case "recommend": {
        const clauses = [
          ["where", ...(r.chance(0.3) ? this.condition({ ...env, item: true }) : this.e("bool", { ...env, item: true }, 2))],
          ["exclude", "purchased", ...(r.chance(0.5) ? [",", "inCart"] : [])],
          ["limit", String(r.int(1, 9))],
          ["backup", "popular", "(", "by", ":", r.pick(["views", "purchases"]), ")"],
        ].filter((c, i) => c[0] === "limit" || r.chance(0.6 - i * 0.05));
        for (let i = clauses.length - 1; i > 0; i--) {
          const j = r.int(0, i);
          [clauses[i], clauses[j]] = [clauses[j]!, clauses[i]!];
        }
        const algorithm = r.pick([["cartBased", "(", "cart", ".", "items", ".", "sku", ")"], ["popular", "(", ")"], ["recentlyViewed", "(", ")"]]);
        return ["recommend", this.fresh("r"), "=", ...algorithm, ...clauses.flat()];
      }
      case "call":
        return ["call", "Weather", "(", ...this.e("string", env, 1), ")", ...(r.chance(0.5) ? ["as", this.fresh("w")] : []), ...(r.chance(0.5) ? ["on", "error", "{", "end", "}"] : [])];
      case "if": {
        const t = ["if", ...this.condition(env), ...this.block(env, depth, other)];
        while (r.chance(0.3)) t.push("else", "if", ...this.condition(env), ...this.block(env, depth, other));
        if (r.chance(0.5)) t.push("else", ...this.block(env, depth, other));
        return t;
      }
      case "split": {
        const a = r.int(1, 98);
        const name = r.chance(0.5) ? this.fresh("exp") : undefined;
        if (name) this.experiments.push(name);
        const t = ["split", ...(name ? [`"${name}"`] : []), "{"];
        t.push("A", `${a}%`, ...this.block(env, depth, other), "control", `${100 - a}%`, "{", "}", "}");
        return t;
      }
      case "repeat":
        return ["repeat", String(r.int(1, 5)), ...(r.chance(0.5) ? ["every", "1d"] : []), ...this.block(env, depth, other)];
      case "waitFor": {
        const alias = r.chance(0.5) ? this.fresh("o") : undefined;
        const inner: Env = { ...env, order: alias ?? "event" };
        const t = ["wait", "for", "OrderPlaced", ...(alias ? ["as", alias] : [])];
        if (r.chance(0.6)) t.push("where", ...this.condition(inner));
        t.push("within", "24h", ...this.block(inner, depth, other));
        if (r.chance(0.5)) t.push("timeout", ...this.block(env, depth, other));
        return t;
      }
    }
    return ["wait", "1h"];
  }

  experience(): string[] {
    const env: Env = { cart: false, item: false, profileOnly: true };
    const t = [DOC, "experience", "Hero", "{", "surface", '"web://shop.example.com/#hero"', "format", "text"];
    if (this.r.chance(0.5)) t.push("timeout", "200ms");
    if (this.r.chance(0.5)) t.push("let", "greeting", "=", "profile", ".", "firstName", "??", '"there"');
    t.push("variant", "Gold", "when", ...this.condition(env), "{", "content", this.tripleString(["Hello {{profile.email}}", "Welcome back"]), "}");
    if (this.r.chance(0.5)) t.push("variant", "Seasonal", "active", "from", "2026-12-01", "to", "2027-01-31", "{", "content", '"Season"', "}");
    t.push("variant", "Default", "{", "content", '"Hi"', "}", "}");
    return t;
  }

  test(journeys: string[]): string[] {
    const r = this.r;
    const t = [DOC, "test", `"${this.fresh("scenario ")}"`, "{", "start", "2026-03-01T08:00:00Z"];
    t.push("profile", '"p1"', ...this.record([["email", ['"a@example.com"']], ["consent", this.record([["email", ["true"]], ["sms", ["false"]], ["push", ["false"]]])]]));
    t.push("catalog", "Product", "[", ...this.record([["sku", ['"W1"']], ["name", ['"Hat"']], ["price", ["20"]], ["inStock", ["true"]]]), "]");
    for (const e of this.experiments) if (r.chance(0.5)) t.push("split", `"${e}"`, r.pick(["A", "control"]), "for", '"p1"');
    t.push("at", "0m", '"p1"', "CartAbandoned", ...this.record([["cartId", ['"c1"']], ["total", [`${r.int(0, 99)}.5`]], ["items", ["[", "]"]]]));
    t.push("expect", ...(r.chance(0.5) ? ["at", "4h"] : []), ...(r.chance(0.5) ? ["no"] : []), "send", "email", ...(r.chance(0.5) ? ["where", "subject", "contains", '"cart"', "and", "text", "==", '"x"'] : []));
    t.push("expect", ...(r.chance(0.5) ? ["no"] : []), "ended", r.pick(journeys), ...(r.chance(0.5) ? ["reason", "end"] : []));
    t.push("expect", ...(r.chance(0.5) ? ["no"] : []), "decide", '"web://shop.example.com/#hero"', "for", '"p1"', "variant", "Default");
    return [...t, "}"];
  }

  program(): string[] {
    const names = [this.fresh("Journey"), this.fresh("Journey"), this.fresh("Journey")];
    // Both cart journeys read `cart`, so they jump to the third, which has no trigger alias (J3024).
    return [...this.schema(), ...this.journey(names[0]!, names[2]!), ...this.journey(names[1]!, names[2]!), ...this.landing(names[2]!), ...this.experience(), ...this.test(names)];
  }
}

/** Where a `///` doc comment may go (before declarations and fields). */
const DOC = "\u0000doc";

const OPENERS = new Set(["(", "[", "{", ".", ","]);
const CLOSERS = new Set([")", "]", "}", ",", ".", ":", "("]);

/**
 * The tokens joined with random white space and (unless `comments` is false) comments;
 * with `lines: false`, only spaces and tabs (a `"""` string keeps its own lines). With
 * `dense`, a comment is between about every third pair of tokens (inside parentheses, between
 * `not` and its operand, before a header's `{`…), where the formatter must keep each in place.
 */
export function layout(tokens: string[], r: Random, options: { comments?: boolean; lines?: boolean; dense?: boolean } = {}): string {
  const comments = options.comments !== false && options.lines !== false;
  const lines = options.lines !== false;
  let out = "";
  let n = 0;
  const indent = () => " ".repeat(r.int(0, 6));
  let prev = "";
  for (const tok of tokens) {
    if (tok === DOC) {
      if (comments && r.chance(0.15)) out += `\n/// doc ${++n}\n${indent()}`;
      continue;
    }
    if (out) {
      const x = comments && options.dense && r.chance(0.3) ? 0.72 + r.next() * 0.16 : r.next();
      const tight = (OPENERS.has(prev) || CLOSERS.has(tok)) && prev !== "/" && tok !== "/" && tok !== "*";
      if (x < 0.5) out += " ";
      else if (x < 0.72 && !lines) out += r.pick([" ", "  ", "\t", " \t "]);
      else if (x < 0.64) out += "\n" + indent();
      else if (x < 0.68) out += "\n\n" + indent();
      else if (x < 0.72) out += "\t";
      else if (x < 0.88 && !comments) out += " ";
      else if (x < 0.78) out += ` /* c${++n} */ `;
      else if (x < 0.84) out += ` // c${++n}\n${indent()}`;
      else if (x < 0.86) out += `\n  /* block ${++n}\n     over two lines */\n`;
      else if (x < 0.88) out += `\n// own line ${++n}\n${indent()}`;
      else out += tight ? "" : " ";
    }
    out += tok;
    prev = tok;
  }
  return out + (comments && r.chance(0.5) ? `\n// the end ${++n}\n` : "\n");
}
