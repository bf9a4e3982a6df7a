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

function splitSlot(uri: string): [string, string] {
  const i = uri.lastIndexOf("#");
  return i < 0 ? [uri, ""] : [uri.slice(0, i), uri.slice(i + 1)];
}
