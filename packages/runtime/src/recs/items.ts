/** Catalog items at the door: each one checked against the `catalog` declaration before an engine keeps it. */
import type { Type } from "@journey/template";
import { UNDECLARED_FIELD, validate, type ValidationError } from "../engine/validate.js";
import type { CatalogEngine, CatalogItem } from "./provider.js";

export interface RejectedItem {
  /** Position in the list given to `upsertItems`. */
  index: number;
  /** The item's key, when it has one. */
  key?: string;
  errors: ValidationError[];
  /** "catalog item `B` (items[1]): item.price expected number, found null" */
  message: string;
}

/** An item kept, with a field that looks misspelt: an undeclared field next to a declared one it does not give. */
export interface ItemWarning {
  /** Position in the list given to `upsertItems`. */
  index: number;
  key: string;
  /** `item.imageURL` */
  path: string;
  /** "catalog item `B` (items[1]): item.imageURL is not a declared field (did you mean `imageUrl`?); kept without `imageUrl`" */
  message: string;
}

export interface UpsertResult {
  upserted: number;
  /** Items left out, each with the field paths that are wrong. */
  rejected: RejectedItem[];
  /** Items kept whose undeclared fields look like misspellings of declared optional ones. */
  warnings: ItemWarning[];
}

export interface ItemCheckOptions {
  keyField: string;
  /** The catalog's item type (`ir.catalog.item`); without it only the key is checked. */
  itemType?: Type;
  /** Told about every rejected item (the runtime logs a warning). */
  onRejectedItem?: (rejection: RejectedItem) => void;
}

/** Split `items` into those to keep (with their keys) and those rejected, reporting each rejection. */
export function checkItems(items: readonly CatalogItem[], o: ItemCheckOptions): { accepted: [string, CatalogItem][]; result: UpsertResult } {
  if (!Array.isArray(items)) throw new TypeError("upsertItems: expected a list of catalog items");
  const accepted: [string, CatalogItem][] = [];
  const rejected: RejectedItem[] = [];
  const warnings: ItemWarning[] = [];
  items.forEach((item, index) => {
    const errors: ValidationError[] = [];
    const misspelt: ValidationError[] = [];
    const raw = item && typeof item === "object" && !Array.isArray(item) ? item[o.keyField] : undefined;
    const key = typeof raw === "string" || (typeof raw === "number" && Number.isFinite(raw)) ? String(raw) : undefined;
    if (!item || typeof item !== "object" || Array.isArray(item)) errors.push({ path: "item", message: "expected a record" });
    else {
      if (key === undefined || key === "") errors.push({ path: `item.${o.keyField}`, message: `the key field must be a non-empty string, found ${raw === undefined || raw === null ? "null" : JSON.stringify(raw)}` });
      // Fields the declaration does not name are allowed (a shop's feed carries more than a
      // journey reads); a declared field that is missing or of the wrong type is not.
      // One that looks like a misspelt declared field (`imageURL`) is told, as a warning.
      if (o.itemType) {
        for (const e of validate(item, o.itemType, "item")) {
          if (!e.message.startsWith(UNDECLARED_FIELD)) errors.push(e);
          else if (e.insteadOf !== undefined) misspelt.push(e);
        }
      }
    }
    if (!errors.length) {
      accepted.push([key!, frozenCopy(item) as CatalogItem]);
      for (const e of misspelt) warnings.push({ index, key: key!, path: e.path, message: `catalog item \`${key}\` (items[${index}]): ${e.path} ${e.message}; kept without \`${e.insteadOf}\`` });
      return;
    }
    const first = errors[0]!;
    const r: RejectedItem = {
      index,
      ...(key !== undefined ? { key } : {}),
      errors,
      message: `catalog item ${key ? `\`${key}\` ` : ""}(items[${index}]): ${first.path} ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`,
    };
    rejected.push(r);
    o.onRejectedItem?.(r);
  });
  return { accepted, result: { upserted: accepted.length, rejected, warnings } };
}

/**
 * An engine keeps its own, deeply frozen copy of each item: nothing can change an item behind
 * the engine's back, and content that writes items as JSON writes each one once (the
 * template engine remembers the JSON of frozen values).
 */
function frozenCopy(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return Object.freeze(v.map(frozenCopy));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = frozenCopy((v as Record<string, unknown>)[k]);
  return Object.freeze(out);
}

/**
 * A provider's answer as catalog items: a list (or `{ items: [...] }`) of keys or of records
 * with a key, each looked up in the catalog, so that what reaches `where` and templates is
 * what the catalog validated, whatever the provider sent. Keys the catalog does not hold are
 * left out, a key given twice counts once; an answer of another shape, or an element without
 * a key, is an error naming where it is (`answer[2].sku`).
 */
export function providerItems(value: unknown, catalog: CatalogEngine, o: { itemsField?: string; keyField?: string } = {}): CatalogItem[] {
  const itemsField = o.itemsField ?? "items";
  const keyField = o.keyField ?? catalog.keyField;
  const list = Array.isArray(value) ? value : value && typeof value === "object" ? (value as Record<string, unknown>)[itemsField] : undefined;
  const at = Array.isArray(value) ? "answer" : `answer.${itemsField}`;
  if (!Array.isArray(list)) throw new Error(`${at}: expected a list of keys or records, found ${describe(list)}`);
  const out: CatalogItem[] = [];
  const seen = new Set<string>();
  list.forEach((el, i) => {
    const record = el !== null && typeof el === "object" && !Array.isArray(el);
    const raw = record ? (el as Record<string, unknown>)[keyField] : el;
    const path = record ? `${at}[${i}].${keyField}` : `${at}[${i}]`;
    if (!(typeof raw === "string" && raw !== "") && !(typeof raw === "number" && Number.isFinite(raw))) throw new Error(`${path}: expected a catalog key (a string), found ${describe(raw)}`);
    const key = String(raw);
    if (seen.has(key)) return;
    seen.add(key);
    const item = catalog.item(key);
    if (item) out.push(item);
  });
  // Some keys gone from the catalog is churn (items withdrawn since the provider learned them);
  // none known is a provider keyed by something else (ids for skus): a failure, said, so the
  // backup fills in and `failed` tells why, rather than an empty answer no one can explain.
  if (seen.size > 0 && out.length === 0) {
    const some = [...seen].slice(0, 3).map((k) => JSON.stringify(k)).join(", ");
    throw new Error(`${at}: none of its ${seen.size} keys is in the catalog (${some}${seen.size > 3 ? ", …" : ""}): does the provider answer \`${keyField}\` values?`);
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a record";
  return `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}
