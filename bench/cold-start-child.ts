// Run as a separate process by bench/incremental.ts: start → engine open (lock, catalog, model,
// HNSW load) → first text search result, each step timed from process start. Prints one JSON line.
// Usage: node bin/run-ts.js bench/cold-start-child.ts <libraryDir> <modelDir> "<query>"
import { performance } from 'node:perf_hooks';

const [libraryDir, modelDir, query] = process.argv.slice(2);
if (!libraryDir || !modelDir || !query) {
  console.error('usage: cold-start-child.ts <libraryDir> <modelDir> "<query>"');
  process.exit(2);
}
// performance.now() counts from the process's time origin, so node's own start-up is included.
const tImportStart = performance.now();
const { createEngine } = await import('../app/engine/engine.js');
const tImported = performance.now();
const e = await createEngine({ libraryDir, modelDir });
if (!e.ok) {
  console.error(e.error.message);
  process.exit(1);
}
const tOpen = performance.now();
const r = await e.value.search({ terms: [{ kind: 'text', text: query }], limit: 60 });
const tFirst = performance.now();
const cpu = process.cpuUsage();
if (!r.ok) {
  console.error(r.error.message);
  process.exit(1);
}
const index = e.value.ctx.vectors;
console.log(JSON.stringify({
  nodeStartMs: tImportStart, importMs: tImported - tImportStart, openMs: tOpen - tImported, firstSearchMs: tFirst - tOpen, totalMs: tFirst, cpuMs: (cpu.user + cpu.system) / 1000,
  results: r.value.results.length, path: r.value.path, indexSize: index.size, indexOpen: index.openReport,
}));
await e.value.close();
