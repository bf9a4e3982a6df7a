/**
 * The published types, as a service uses them: `typed-service.ts` compiled with `tsc --strict`
 * against the built `.d.ts` (vitest itself does not type-check). Needs `npm run build`.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const service = fileURLToPath(new URL("typed-service.ts", import.meta.url));

function compile(file: string): string {
  const flags = ["--noEmit", "--strict", "--exactOptionalPropertyTypes", "--noUncheckedIndexedAccess", "--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--types", "node", "--skipLibCheck"];
  const r = spawnSync(process.execPath, [tsc, ...flags, file], { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`.trim();
}

it("a service written as docs/embedding.md shows compiles against the published types without casts", () => {
  expect(compile(service)).toBe("");
}, 60_000);
