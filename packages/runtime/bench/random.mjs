/** The benchmarks' random numbers: a seeded generator in [0, 1), the same sequence on every run. */
export function seeded(seed) {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}
