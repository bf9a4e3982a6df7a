/**
 * A test's profile ids as the editor navigates them. An id is a string, local to its test:
 * `profile "p1" { … }` declares it, and the test's events (`at 0m "p1" …`), arm choices
 * (`split … for "p1"`), `expect profile "p1"` and `expect decide … for "p1"` use it. Hover,
 * definition, references, highlights and rename work on the sites of one id in one test.
 */
import type { ast as A } from "@journey/compiler";
import { stringSpans } from "./text.js";
import type { Location, Span } from "./types.js";

export interface TestProfileSite {
  id: string;
  path: string;
  /** The string's contents, inside its quotes. */
  span: Span;
  /** The string literal, quotes included (what a rename replaces). */
  literal: Span;
  test: A.TestDecl;
  /** `profile "id" { … }`: the declaration; every other site is a use. */
  declares: boolean;
}

const cache = new WeakMap<A.TestDecl, TestProfileSite[]>();

/** The sites of one test, in source order. */
export function testProfileSites(path: string, text: string, test: A.TestDecl): TestProfileSite[] {
  let list = cache.get(test);
  if (list) return list;
  list = [];
  for (const item of test.items) {
    const id = !item ? undefined : item.kind === "TestProfile" ? item.id : "profileId" in item ? item.profileId : undefined;
    if (id) list.push({ id: id.value, path, ...stringSpans(text, id), test, declares: item!.kind === "TestProfile" });
  }
  cache.set(test, list);
  return list;
}

/** The site holding `offset` in `test`. */
export function testProfileSiteAt(path: string, text: string, test: A.TestDecl, offset: number): TestProfileSite | undefined {
  return testProfileSites(path, text, test).find((s) => s.span.start <= offset && offset <= s.span.end);
}

/** The sites of the same id in the same test. */
export function sameProfileSites(site: TestProfileSite, text: string): TestProfileSite[] {
  return testProfileSites(site.path, text, site.test).filter((s) => s.id === site.id);
}

export const profileSiteLocation = (s: TestProfileSite): Location => ({ path: s.path, span: s.span });
