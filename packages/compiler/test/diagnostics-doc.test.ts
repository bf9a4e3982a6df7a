/** docs/diagnostics.md is generated from the table and the corpus: it must not fall behind either. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

it("docs/diagnostics.md is up to date with codes.ts and the invalid-program corpus", () => {
  const script = fileURLToPath(new URL("../scripts/diagnostics-doc.mjs", import.meta.url));
  const r = spawnSync(process.execPath, [script, "--check"], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
});
