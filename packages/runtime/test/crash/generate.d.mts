/** Types of `generate.mjs` for the TypeScript test that imports it. */
export function prng(seed: number): () => number;
export interface WorkloadOptions {
  profiles?: number;
  seed?: number;
  days?: number;
  start?: string;
}
export function generate(options?: WorkloadOptions): { events: object[]; profiles: object[]; catalog: object[] };
export function writeWorkload(dir: string, options?: WorkloadOptions): { events: string; profiles: string; catalog: string; count: number; profileCount: number };
