// `npm run hub:local`: the tests' local model hub, by hand. It serves the bundled demo model
// re-exported in the Immich and transformers.js layouts on 127.0.0.1, writes a catalog listing them,
// and prints the commands that pull, switch and remove them — so the model manager can be tried
// (progress bar, resume after Ctrl-C, `models list`) without the internet. Ctrl-C stops it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixtureCatalogEntry, immichRepo, transformersJsRepo } from './fixtures.js';
import { startHub } from './hub-server.js';

const hub = await startHub();
const immich = immichRepo();
const tjs = transformersJsRepo();
hub.addRepo('shoebox-test/demo-immich', { files: immich });
hub.addRepo('shoebox-test/demo-tjs', { files: tjs });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-local-hub-'));
const catalog = path.join(dir, 'catalog.json');
fs.writeFileSync(catalog, JSON.stringify({ schema: 1, models: [fixtureCatalogEntry('immich', immich), fixtureCatalogEntry('transformers.js', tjs)] }, null, 2));

const env = `HF_ENDPOINT=${hub.url} SHOEBOX_MODEL_CATALOG=${catalog}`;
const lib = `--library ${path.join(dir, 'library')}`;
console.log(`local hub on ${hub.url} (repos shoebox-test/demo-immich, shoebox-test/demo-tjs); catalog ${catalog}
try, in another terminal:
  ${env} npx shoebox models list ${lib}
  ${env} npx shoebox models pull demo-immich --use ${lib}
  ${env} npx shoebox models pull demo-tjs ${lib}
  ${env} npx shoebox models use demo-tjs ${lib}
  ${env} npx shoebox models remove demo-immich ${lib}
or the app on that catalog: ${env} npx shoebox serve ${lib}   (Settings → Models)
Ctrl-C stops the hub.`);

const stop = (): void => {
  void hub.close().then(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
