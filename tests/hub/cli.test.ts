// `shoebox models …` end to end against the local hub: pull + use in each upstream layout, list,
// switch back to the bundled model, remove, and the one-line errors.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../app/api/contract.js';
import { main } from '../../app/cli/main.js';
import { progressLine } from '../../app/cli/commands/models.js';
import { loadModel } from '../../app/embed/node/model-load.js';
import { activeModelDir } from '../../app/models/installed.js';
import { DEMO_DIR, fixtureCatalogEntry, immichRepo, transformersJsRepo } from './fixtures.js';
import { startHub, type HubServer } from './hub-server.js';

let hub: HubServer;
let tmp: string;
let lib: string;
let catalogPath: string;

beforeAll(async () => {
  hub = await startHub();
  const immich = immichRepo();
  const tjs = transformersJsRepo();
  hub.addRepo('shoebox-test/demo-immich', { files: immich });
  hub.addRepo('shoebox-test/demo-tjs', { files: tjs });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-models-cli-'));
  lib = path.join(tmp, 'lib');
  catalogPath = path.join(tmp, 'catalog.json');
  fs.writeFileSync(catalogPath, JSON.stringify({ schema: 1, models: [fixtureCatalogEntry('immich', immich), fixtureCatalogEntry('transformers.js', tjs)] }));
});
afterAll(async () => {
  await hub.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const code = await main(['models', ...args, '--library', lib, '--catalog', catalogPath], { stdout, stderr, stdin: new PassThrough(), env: { HF_ENDPOINT: hub.url, SHOEBOX_CACHE_DIR: tmp, ...env }, cwd: tmp });
  return { code, out, err: errText };
}

describe('shoebox models', () => {
  it('pulls and switches to a model in each upstream layout, lists, switches back and removes', async () => {
    for (const id of ['demo-immich', 'demo-tjs']) {
      const r = await run(['pull', id, '--use']);
      expect(r.err).toContain('downloading config.json');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^installed ${id} \\(\\d+\\.\\d MB\\) in ${path.join(lib, 'models', id).replace(/[/\\]/g, '.')}; now the active model\\n$`));
      const active = await activeModelDir(lib);
      expect(active).toEqual({ dir: path.join(lib, 'models', id), id, fallbackReason: null });
      const m = await loadModel(active.dir, { threads: 1, providers: ['cpu'], verifyCachePath: null });
      if (!m.ok) throw new Error(m.error.message);
      const v = await m.value.text.encode(['a red circle']);
      await m.value.close();
      expect(v.ok && v.value[0]!.length).toBe(128);
    }
    const list = await run(['list', '--json']);
    const entries = JSON.parse(list.out) as CatalogEntry[];
    expect(entries.map((e) => [e.id, e.installed, e.active])).toEqual([
      ['shoebox-demo-v1', true, false],
      ['demo-immich', true, false],
      ['demo-tjs', true, true],
    ]);
    const human = await run(['list']);
    expect(human.out.split('\n')[0]).toMatch(/^ID\s+SIZE\s+DIMS\s+INSTALLED\s+COVERAGE\s+NAME$/);
    expect(human.out).toMatch(/\* demo-tjs/);

    const busy = await run(['remove', 'demo-tjs']);
    expect(busy.code).toBe(1);
    expect(busy.err).toBe("shoebox models remove: 'demo-tjs' is the active model (switch to another model first (shoebox models use <id>))\n");

    const back = await run(['use', 'shoebox-demo-v1']);
    expect(back.code).toBe(0);
    expect((await activeModelDir(lib)).dir).toBe(path.resolve(DEMO_DIR));
    const rm = await run(['remove', 'demo-tjs']);
    expect(rm.out).toBe('removed demo-tjs\n');
    expect(fs.existsSync(path.join(lib, 'models', 'demo-tjs'))).toBe(false);
  });

  it('says why when the hub is unreachable, the id is unknown, or the model is not installed', async () => {
    const port = await closedPort();
    const off = await run(['pull', 'demo-tjs'], { HF_ENDPOINT: `http://127.0.0.1:${port}` });
    expect(off.code).toBe(1);
    expect(off.err).toBe(`shoebox models pull: can't reach the model hub at 127.0.0.1:${port} (offline?) (check the connection, or set HF_ENDPOINT / HTTPS_PROXY)\n`);
    const unknown = await run(['pull', 'nope']);
    expect(unknown.err).toMatch(/^shoebox models pull: no model 'nope' in the catalog \(known: demo-immich, demo-tjs\)\n$/);
    const notInstalled = await run(['use', 'demo-tjs']);
    expect(notInstalled.err).toBe("shoebox models use: model 'demo-tjs' is not installed (run: shoebox models pull demo-tjs)\n");
  });

  it('draws a progress bar with rate and ETA', () => {
    const line = progressLine({ model: 'x', state: 'downloading', bytes: 150e6, totalBytes: 600e6, ratePerSec: 10e6, etaSec: 45, file: 'visual/model.onnx' }, 20);
    expect(line).toBe('[#####...............]  25%  150.0 MB / 600.0 MB  10.0 MB/s  ETA 0:45  visual/model.onnx');
  });
});
