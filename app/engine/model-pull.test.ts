// A model pulled through LibraryApi from a local hub (role hub's test server and fixtures: the demo
// model re-exported in the transformers.js layout), then used: download events reach subscribers,
// the library re-indexes with it in the background, and search answers with it after the swap.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, DownloadProgress } from '../api/contract.js';
import { bundledModelDir } from '../embed/node/model-load.js';
import { makePhotos } from '../../tests/faults/helpers.js';
import { fixtureCatalogEntry, transformersJsRepo } from '../../tests/hub/fixtures.js';
import { startHub, type HubServer } from '../../tests/hub/hub-server.js';
import { createEngine } from './engine.js';

const TINY = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../embed/node/fixtures/tiny-clip');
const haveDemo = fs.existsSync(path.join(bundledModelDir(), 'image.onnx'));

describe.skipIf(!haveDemo)('pull and use a model through the engine', () => {
  let hub: HubServer;
  let tmp: string;
  beforeAll(async () => {
    hub = await startHub();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-engine-pull-'));
  });
  afterAll(async () => {
    await hub?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('pullModel streams download events, useModel re-indexes with it and search follows the swap', { timeout: 120_000 }, async () => {
    const files = transformersJsRepo();
    const entry = fixtureCatalogEntry('transformers.js', files);
    hub.addRepo(entry.repo, { files });
    const root = path.join(tmp, 'photos');
    await makePhotos(root, 5, 31);
    const r = await createEngine({
      libraryDir: path.join(tmp, 'lib'), bundledModelDir: TINY, threads: 1,
      models: { catalog: { schema: 1, models: [entry] }, env: {}, hub: { endpoint: hub.url, backoffMs: 1, retries: 1, timeoutMs: 10_000 } },
    });
    if (!r.ok) throw new Error(r.error.message);
    const e = r.value;
    try {
      await e.indexFolders([root]);
      expect(e.ctx.modelId).toBe('tiny-clip');
      const events: ApiEvent[] = [];
      e.subscribe((ev) => events.push(ev));
      const downloads = (): DownloadProgress[] => events.flatMap((x) => (x.type === 'download' ? [x.progress] : []));

      const before = await e.models({});
      expect(before.ok && before.value.find((x) => x.id === entry.id)).toMatchObject({ installed: false, active: false, coverage: 0 });
      const early = await e.useModel({ id: entry.id });
      expect(early.ok ? null : early.error.code).toBe('not-found');

      const started = await e.pullModel({ id: entry.id });
      expect(started.ok && started.value.model).toBe(entry.id);
      for (let i = 0; i < 1200 && !downloads().some((p) => p.state === 'done' || p.state === 'failed'); i++) await new Promise((res) => setTimeout(res, 50));
      const last = downloads().at(-1);
      expect(last?.state, JSON.stringify(last?.error)).toBe('done');
      expect(downloads().some((p) => p.state === 'downloading' && p.bytes > 0)).toBe(true);
      expect(await e.cancelPull({ id: 'not-downloading' })).toEqual({ ok: true, value: { cancelled: false } });

      const used = await e.useModel({ id: entry.id });
      expect(used.ok && used.value).toMatchObject({ id: entry.id, embeddingSize: 128 });
      const sw = e.modelSwitch();
      expect(sw?.id).toBe(entry.id);
      const done = await sw!.done;
      expect(done.ok && done.value).toBe('swapped');
      expect(e.ctx.modelId).toBe(entry.id);
      expect(e.ctx.vectors.size).toBe(5);
      expect(events.some((x) => x.type === 'library-changed' && x.reason === 'model')).toBe(true);
      const q = await e.search({ terms: [{ kind: 'text', text: 'a red circle' }], limit: 3 });
      if (!q.ok) throw new Error(q.error.message);
      expect(q.value.model).toBe(entry.id);
      expect(q.value.results).toHaveLength(3);
      const after = await e.models({});
      expect(after.ok && after.value.find((x) => x.id === entry.id)).toMatchObject({ installed: true, active: true, coverage: 1 });
    } finally {
      await e.close();
    }
  });
});
