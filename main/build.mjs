// Bundles main/ for Electron: main.js (ESM), preload.cjs (sandboxed preloads are CommonJS) and
// engine-host.js (the utility process). Native modules and electron stay external; they are
// loaded from node_modules (unpacked from the asar in packaged builds).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const external = ['electron', 'better-sqlite3', 'hnswlib-node', 'onnxruntime-node', 'sharp', 'chokidar', 'exifr', '@huggingface/tokenizers'];
const common = { bundle: true, platform: 'node', target: 'node20', external, sourcemap: true, logLevel: 'info' };
// ESM bundles that include CommonJS dependencies need a require().
const banner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };

await build({ ...common, entryPoints: [here('./main.ts')], outfile: here('./dist/main.js'), format: 'esm', banner });
await build({ ...common, entryPoints: [here('./engine-host.ts')], outfile: here('./dist/engine-host.js'), format: 'esm', banner });
await build({ ...common, entryPoints: [here('./preload.ts')], outfile: here('./dist/preload.cjs'), format: 'cjs', external: ['electron'] });
