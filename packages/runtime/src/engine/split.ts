/**
 * Experiment assignment: a profile's bucket in [0, 100) from a hash of the experiment name
 * and the profile id only, so it is stable across restarts, redeploys and versions.
 */
export function splitBucket(experiment: string, profileId: string): number {
  // FNV-1a, 32 bits: fast, well spread, and the same in every process.
  let h = 0x811c9dc5;
  const s = `${experiment}\u0000${profileId}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche so consecutive ids do not land in consecutive buckets.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return ((h >>> 0) % 10_000) / 100;
}
