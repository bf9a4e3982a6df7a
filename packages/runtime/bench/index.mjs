// Benchmarks by name: `npm run bench -w packages/runtime [-- <name>]` (after `npm run build`);
// without a name, the journeys benchmark.
const benches = { journeys: "./journeys.mjs", decide: "./decide.mjs", recs: "./recs.mjs", "store-writes": "./store-writes.mjs" };
const which = process.argv[2] ?? "journeys";
if (!Object.hasOwn(benches, which)) {
  console.error(`unknown benchmark \`${which}\`: one of ${Object.keys(benches).join(", ")}`);
  process.exit(1);
}
await import(benches[which]);
