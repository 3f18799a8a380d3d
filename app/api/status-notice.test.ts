// The model notice reaches every front door: status() carries it through the contract, over the
// direct and HTTP transports alike (Electron IPC: main/ipc-status.test.ts). Real engine on role rt's tiny fixture model,
// whose image weights change between two opens as a retrained bundled model's would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePhotos } from '../../tests/faults/helpers.js';
import { createEngine, type Engine } from '../engine/engine.js';
import { startServer } from '../server/server.js';
import { createDirectApi } from './transport/direct.js';
import { createHttpApi } from './transport/http-client.js';
import { copyFixtureModel, swapEncoder } from '../server/testing/new-weights.js';

let tmp: string;
let lib: string;
let modelDir: string;
let root: string;
let engine: Engine | null = null;

async function open(): Promise<Engine> {
  await engine?.close();
  const r = await createEngine({ libraryDir: lib, modelDir, bundledModelDir: modelDir, threads: 1, decodeConcurrency: 1 });
  if (!r.ok) throw new Error(r.error.message);
  engine = r.value;
  return r.value;
}

beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-status-notice-'));
  lib = path.join(tmp, 'lib');
  modelDir = copyFixtureModel('tiny-clip', path.join(tmp, 'model'));
  root = path.join(tmp, 'photos');
  await makePhotos(root, 4, 31);
});
afterEach(async () => {
  await engine?.close();
  engine = null;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('status().modelNotice', () => {
  it('is null while nothing changed, and says the photos are re-indexed after the image weights change, direct and over HTTP', async () => {
    const first = await open();
    const indexed = await first.indexFolders([root]);
    expect(indexed.ok && indexed.value.run.indexed).toBe(4);
    const before = await createDirectApi(first).status({});
    expect(before.ok && before.value.modelNotice).toBeNull();

    swapEncoder(modelDir, 'image', 'tiny-clip-hf');
    const e = await open();
    const expected = "the weights of model 'tiny-clip' changed since the library was indexed: 4 photos will be re-indexed";
    const direct = await createDirectApi(e).status({});
    expect(direct.ok && direct.value.modelNotice).toBe(expected);
    expect(direct.ok && direct.value.photos).toMatchObject({ indexed: 0, pending: 4 });

    const server = await startServer({ api: e, port: 0, staticDir: null });
    if (!server.ok) throw new Error(server.error.message);
    try {
      const http = await createHttpApi({ baseUrl: server.value.url.replace(/\/$/, '') }).status({});
      expect(http.ok && http.value.modelNotice).toBe(expected);
    } finally {
      await server.value.close();
    }

    // The notice explains this session's re-indexing; the next open has nothing new to say.
    await e.indexFolders([root]);
    const again = await createDirectApi(await open()).status({});
    expect(again.ok && again.value).toMatchObject({ modelNotice: null, photos: { indexed: 4, pending: 0 } });
  });

  it('says when the text encoder changed and tags are stale', async () => {
    const first = await open();
    await first.indexFolders([root]);
    const c = first.ctx.catalog;
    const set = c.upsertLabelSet({ name: 'colours', labels: ['red', 'blue'], templates: ['a photo of a {}'], threshold: 0 });
    const unit = (i: number): Float32Array => Float32Array.from({ length: 16 }, (_, j) => (j === i ? 1 : 0));
    c.putLabelVectors(set.id, first.ctx.modelId, new Map(set.labels.map((l, i) => [l.id, unit(i)])));
    swapEncoder(modelDir, 'text', 'tiny-clip-alt');
    const s = await createDirectApi(await open()).status({});
    expect(s.ok && s.value.modelNotice).toBe("the text encoder of model 'tiny-clip' changed since tags were computed: run tagging again to refresh them");
  });
});
