/** Surface patterns: what a request's surface matches, and which declared patterns overlap. */
import { describe, expect, it } from "vitest";
import { surfaceMatches, surfacesOverlap } from "../src/surfaces.js";

const page = (path: string, slot = "promo") => `web://shop.example.com/${path}#${slot}`;

describe("surfaceMatches", () => {
  it("a pattern without `*` is the surface itself; `*` takes any characters, none included, of the path only", () => {
    expect(surfaceMatches(page("p/1"), page("p/1"))).toBe(true);
    expect(surfaceMatches(page("p/1"), page("p/2"))).toBe(false);
    expect(surfaceMatches(page("*"), page(""))).toBe(true);
    expect(surfaceMatches(page("p/*"), page("p/1"))).toBe(true);
    expect(surfaceMatches(page("p/*"), page("p/1", "hero"))).toBe(false);
    expect(surfaceMatches(page("p/*/reviews"), page("p/1/reviews"))).toBe(true);
    expect(surfaceMatches(page("p/*/reviews"), page("p/reviews"))).toBe(false);
  });
});

describe("surfacesOverlap", () => {
  it("is true exactly when some surface matches both", () => {
    expect(surfacesOverlap(page("p/1"), page("p/1"))).toBe(true);
    expect(surfacesOverlap(page("p/1"), page("p/2"))).toBe(false);
    expect(surfacesOverlap(page("*"), page("p/1"))).toBe(true);
    expect(surfacesOverlap(page("p/1"), page("*"))).toBe(true);
    expect(surfacesOverlap(page("p/*"), page("*"))).toBe(true);
    expect(surfacesOverlap(page("p/*"), page("c/*"))).toBe(false);
    expect(surfacesOverlap(page("*/reviews"), page("p/*"))).toBe(true);
    expect(surfacesOverlap(page("*/reviews"), page("*/photos"))).toBe(false);
    expect(surfacesOverlap(page("*"), page("*", "hero"))).toBe(false);
  });

  it("agrees with surfaceMatches on every surface of a small alphabet", () => {
    const patterns = ["", "a", "ab", "*", "a*", "*b", "a*b", "b*", "*a", "ab*", "*ab"];
    const surfaces = ["", "a", "b", "aa", "ab", "ba", "bb", "aab", "abb", "aba", "bab", "abab"];
    for (const x of patterns) {
      for (const y of patterns) {
        const some = surfaces.some((s) => surfaceMatches(page(x), page(s)) && surfaceMatches(page(y), page(s)));
        expect(surfacesOverlap(page(x), page(y)), `${x} and ${y}`).toBe(some);
      }
    }
  });
});
