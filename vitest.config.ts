import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import sibling packages from their sources, so a test run never reads a stale dist/.
// End-to-end tests run the built CLI instead (`npm test` builds first).
export default defineConfig({
  resolve: {
    alias: {
      "@journey/template": src("template"),
      "@journey/ir": src("ir"),
      "@journey/compiler": src("compiler"),
      // Before the package itself: an alias also matches the paths below it.
      "@journey/runtime/server": fileURLToPath(new URL("./packages/runtime/src/server/index.ts", import.meta.url)),
      "@journey/runtime/sim": fileURLToPath(new URL("./packages/runtime/src/sim/index.ts", import.meta.url)),
      "@journey/runtime": src("runtime"),
      "@journey/prettier-plugin": src("prettier-plugin"),
      "@journey/lsp": src("lsp"),
    },
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "vscode-extension/test/**/*.test.ts"],
    testTimeout: 30000,
    pool: "forks",
  },
});
