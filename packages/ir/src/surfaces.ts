/**
 * Surfaces: where an experience shows (`web://shop.example.com/#hero`). A declared surface
 * may stand for many pages with one `*` (`web://shop.example.com/p/*#stock`); the compiler
 * (conflicts, test data) and the runtime (`decide`) match them the same way.
 */
export function surfaceMatches(pattern: string, surface: string): boolean {
  if (!pattern.includes("*")) return pattern === surface;
  const [pHead, pSlot] = splitSlot(pattern);
  const [sHead, sSlot] = splitSlot(surface);
  if (pSlot !== sSlot) return false;
  const star = pHead.indexOf("*");
  const prefix = pHead.slice(0, star);
  const suffix = pHead.slice(star + 1);
  return sHead.length >= prefix.length + suffix.length && sHead.startsWith(prefix) && sHead.endsWith(suffix);
}

/**
 * Whether some surface matches both patterns: the same page and slot, or a page one
 * pattern's `*` takes in and the other names (`…/*#promo` and `…/p/1#promo`), or two `*`s
 * whose fixed parts agree (`…/p/*#promo` and `…/*#promo`).
 */
export function surfacesOverlap(a: string, b: string): boolean {
  if (!a.includes("*")) return surfaceMatches(b, a);
  if (!b.includes("*")) return surfaceMatches(a, b);
  const [aHead, aSlot] = splitSlot(a);
  const [bHead, bSlot] = splitSlot(b);
  if (aSlot !== bSlot) return false;
  const [aPrefix, aSuffix] = aHead.split("*") as [string, string];
  const [bPrefix, bSuffix] = bHead.split("*") as [string, string];
  const prefixes = aPrefix.startsWith(bPrefix) || bPrefix.startsWith(aPrefix);
  const suffixes = aSuffix.endsWith(bSuffix) || bSuffix.endsWith(aSuffix);
  return prefixes && suffixes;
}

function splitSlot(uri: string): [string, string] {
  const i = uri.lastIndexOf("#");
  return i < 0 ? [uri, ""] : [uri.slice(0, i), uri.slice(i + 1)];
}
