// Model switching through LibraryApi on role rt's tiny fixtures: 'tiny-clip' plays the bundled
// model, 'tiny-clip-alt' is installed into <library>/models/. Every image encode is counted per
// model, so "switching back is instant" is checked as "no encoder call".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../api/contract.js';
import { makePhotos } from '../../tests/faults/helpers.js';
import { createEngine, type Engine } from './engine.js';
import { countingLoader } from './testing/counting-loader.js';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../embed/node/fixtures');
const BUNDLED = path.join(FIXTURES, 'tiny-clip');
const ALT = 'tiny-clip-alt';

let tmp: string;
let lib: string;
let engine: Engine | null = null;
let encodes: Record<string, number>;
/** While set, the alt model's image encoder waits for it (holds a switch mid-way). */
let altGate: Promise<void> | null = null;
/** Called when an alt encode reaches the gate. */
let atGate: () => void = () => undefined;

const counting = countingLoader(() => encodes, async (id) => {
  if (id === ALT && altGate) {
    atGate();
    await altGate;
  }
});

async function open(extra: { batchSize?: number; lazyModel?: boolean; switchInBackground?: boolean } = {}): Promise<Engine> {
  const r = await createEngine({ libraryDir: lib, bundledModelDir: BUNDLED, loadModel: counting, threads: 1, decodeConcurrency: 1, ...extra });
  if (!r.ok) throw new Error(r.error.message);
  engine = r.value;
  return r.value;
}

const textQuery = { terms: [{ kind: 'text' as const, text: 'a photo of a red circle' }], limit: 50 };

beforeEach(() => {
  atGate = () => undefined;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-switch-'));
  lib = path.join(tmp, 'lib');
  fs.mkdirSync(path.join(lib, 'models'), { recursive: true });
  fs.cpSync(path.join(FIXTURES, ALT), path.join(lib, 'models', ALT), { recursive: true });
  encodes = {};
  altGate = null;
});
afterEach(async () => {
  await engine?.close();
  engine = null;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('model switching', () => {
  it('re-indexes in the background while search keeps the old model, swaps at full coverage, switches back without encoding', async () => {
    const root = path.join(tmp, 'photos');
    await makePhotos(root, 6, 11);
    const e = await open({ batchSize: 2 });
    expect(e.ctx.modelId).toBe('tiny-clip'); // no active.json: the bundled model
    expect(e.modelNotice).toBeNull();
    await e.indexFolders([root]);
    expect(encodes).toEqual({ 'tiny-clip': 6 });
    const events: ApiEvent[] = [];
    e.subscribe((ev) => events.push(ev));

    let release!: () => void;
    altGate = new Promise<void>((r) => (release = r));
    const used = await e.useModel({ id: ALT });
    expect(used.ok && used.value.id).toBe(ALT);
    const sw = e.modelSwitch();
    expect(sw?.id).toBe(ALT);

    // Mid-switch: the old model and index still answer, over the whole library.
    expect(e.ctx.modelId).toBe('tiny-clip');
    const during = await e.search(textQuery);
    if (!during.ok) throw new Error(during.error.message);
    expect(during.value.model).toBe('tiny-clip');
    expect(during.value.results.length).toBe(6);
    const st = await e.status({});
    expect(st.ok && st.value.model.id).toBe('tiny-clip');
    expect(st.ok && st.value.progress.model).toBe(ALT);
    expect(events.some((x) => x.type === 'library-changed' && x.reason === 'model')).toBe(false);

    release();
    altGate = null;
    const done = await sw!.done;
    expect(done.ok && done.value).toBe('swapped');
    expect(e.modelSwitch()).toBeNull();
    expect(e.ctx.modelId).toBe(ALT);
    expect(e.ctx.vectors.model).toBe(ALT);
    expect(e.ctx.vectors.size).toBe(6);
    expect(encodes[ALT]).toBe(6);
    expect(e.ctx.catalog.coverage(ALT)).toBe(1);
    expect(events.some((x) => x.type === 'library-changed' && x.reason === 'model')).toBe(true);
    expect(events.some((x) => x.type === 'progress' && x.progress.model === ALT && x.progress.state === 'done')).toBe(true);
    const after = await e.search(textQuery);
    expect(after.ok && after.value.model).toBe(ALT);
    expect(after.ok && after.value.results.length).toBe(6);

    const list = await e.models({});
    if (!list.ok) throw new Error(list.error.message);
    const entry = (id: string) => list.value.find((x) => x.id === id);
    expect(entry(ALT)).toMatchObject({ installed: true, active: true, coverage: 1 });
    expect(entry('tiny-clip')).toMatchObject({ installed: true, active: false, coverage: 1, removable: false }); // the bundled one

    // Back to the bundled model: its vectors exist, so it is instant and encodes nothing.
    const back = await e.useModel({ id: 'tiny-clip' });
    expect(back.ok && back.value.id).toBe('tiny-clip');
    expect(e.modelSwitch()).toBeNull();
    expect(e.ctx.modelId).toBe('tiny-clip');
    expect(e.ctx.vectors.size).toBe(6);
    expect(encodes).toEqual({ 'tiny-clip': 6, [ALT]: 6 });
    const again = await e.search(textQuery);
    expect(again.ok && again.value.model).toBe('tiny-clip');
    // And forth again, also instant.
    await e.useModel({ id: ALT });
    expect(e.ctx.modelId).toBe(ALT);
    expect(encodes).toEqual({ 'tiny-clip': 6, [ALT]: 6 });
    expect(JSON.parse(fs.readFileSync(path.join(lib, 'models', 'active.json'), 'utf8'))).toEqual({ id: ALT });
  });

  it('opens with the recorded active model, and falls back to the bundled one with a reason when it is gone', async () => {
    fs.writeFileSync(path.join(lib, 'models', 'active.json'), JSON.stringify({ id: ALT }));
    let e = await open({ lazyModel: true });
    expect(e.ctx.modelId).toBe(ALT);
    expect(e.ctx.model.loaded).toBe(false); // lazily opened: no sessions yet
    const st = await e.status({});
    expect(st.ok && st.value.runtime).toMatchObject({ provider: 'not-loaded', intraOpThreads: 1, decodeConcurrency: 1 });
    await e.close();
    engine = null;
    fs.rmSync(path.join(lib, 'models', ALT), { recursive: true });
    e = await open();
    expect(e.ctx.modelId).toBe('tiny-clip');
    expect(e.modelNotice).toMatch(/'tiny-clip-alt' is not installed/);
  });

  it('a second useModel cancels the running switch; the model in use cannot be removed; unknown models are refused', async () => {
    const root = path.join(tmp, 'photos');
    await makePhotos(root, 6, 12);
    const e = await open({ batchSize: 2 });
    await e.indexFolders([root]);
    let release!: () => void;
    altGate = new Promise<void>((r) => (release = r));
    const reached = new Promise<void>((r) => (atGate = r));
    await e.useModel({ id: ALT });
    const sw = e.modelSwitch()!;
    await reached; // the first batch (2 photos) is inside the new model's encoder
    const rm = await e.removeModel({ id: ALT });
    expect(rm.ok ? null : rm.error.code).toBe('busy');
    const back = e.useModel({ id: 'tiny-clip' });
    release();
    altGate = null;
    expect((await back).ok).toBe(true);
    const done = await sw.done;
    expect(done.ok && done.value).toBe('cancelled');
    expect(e.ctx.modelId).toBe('tiny-clip');
    expect(e.modelSwitch()).toBeNull();
    expect(encodes[ALT]).toBe(2); // the batch in flight finishes, no other starts
    const unknown = await e.useModel({ id: 'no-such-model' });
    expect(unknown.ok ? null : unknown.error.code).toBe('not-found');
    const rmActive = await e.removeModel({ id: 'tiny-clip' });
    expect(rmActive.ok ? null : rmActive.error.code).toBe('busy');
    // Not in use: removable, and gone from the list.
    expect(e.ctx.catalog.vectorCount(ALT)).toBe(2); // kept: switching to it later resumes from there
    const rmAlt = await e.removeModel({ id: ALT });
    expect(rmAlt.ok && rmAlt.value.removed).toBe(true);
    expect(e.ctx.catalog.vectorCount(ALT)).toBe(0);
    expect(fs.readdirSync(lib).filter((f) => f.includes(ALT))).toEqual([]);
    expect(e.ctx.catalog.vectorCount('tiny-clip')).toBe(6);
    const list = await e.models({});
    expect(list.ok && list.value.some((x) => x.id === ALT)).toBe(false);
  });

  it('a model chosen while the library was closed: CLI opens use it, an app host keeps the covering model and switches in the background', async () => {
    const root = path.join(tmp, 'photos');
    await makePhotos(root, 4, 13);
    let e = await open();
    await e.indexFolders([root]);
    await e.close();
    engine = null;
    // `shoebox models use tiny-clip-alt` (records the choice only).
    fs.writeFileSync(path.join(lib, 'models', 'active.json'), JSON.stringify({ id: ALT }));

    // A CLI command opens the chosen model as is (status reports it; nothing encodes) …
    e = await open({ lazyModel: true });
    expect(e.ctx.modelId).toBe(ALT);
    expect(e.modelSwitch()).toBeNull();
    await e.close();
    engine = null;
    expect(encodes[ALT]).toBeUndefined();

    // … and does not make it the model the library is on: an app host still starts from tiny-clip.
    e = await open({ switchInBackground: true });
    expect(e.ctx.modelId).toBe('tiny-clip');
    const sw = e.modelSwitch();
    expect(sw?.id).toBe(ALT);
    const during = await e.search(textQuery);
    expect(during.ok && during.value.results.length).toBe(4);
    const done = await sw!.done;
    expect(done.ok && done.value).toBe('swapped');
    expect(e.ctx.modelId).toBe(ALT);
    expect(encodes[ALT]).toBe(4);
    await e.close();
    engine = null;

    // Covered now: the next open goes straight to it, without a switch.
    e = await open({ switchInBackground: true });
    expect(e.ctx.modelId).toBe(ALT);
    expect(e.modelSwitch()).toBeNull();
    expect(encodes[ALT]).toBe(4);
  });
});
