import { describe, expect, it } from 'vitest';
import { createLabelSet, labelSets, runTagging, tagCounts, tagNewPhotos } from './tagging.js';
import { FakeCatalog, FakeEncoder, FakeTagStore, MODEL, type FakePhoto } from '../search/testing/fake-ports.js';
import type { TaggingPorts } from '../search/ports.js';

const words = { red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1] };
const colours = ['red', 'green', 'blue'] as const;

function photos(): FakePhoto[] {
  // Each photo leans towards one colour, a few are ambiguous (equal mix).
  return Array.from({ length: 30 }, (_, i) => {
    const c = i % 3;
    const v = i >= 27 ? [1, 1, 1] : [0.2, 0.2, 0.2].map((x, k) => (k === c ? 1 : x));
    return { id: i + 1, path: `/lib/${i < 15 ? 'a' : 'b'}/p${i + 1}.jpg`, vector: v };
  });
}

function setup() {
  const catalog = new FakeCatalog(photos());
  const encoder = new FakeEncoder(3, words);
  const tags = new FakeTagStore();
  const ports: TaggingPorts = { encoder, catalog, tags };
  return { ports, catalog, encoder, tags };
}

describe('tagging', () => {
  it('creates label sets with the model templates by default, and bumps the version on change', async () => {
    const { ports } = setup();
    const a = await createLabelSet(ports, { name: 'colours', labels: ['red', 'green'] });
    if (!a.ok) throw new Error(a.error.message);
    expect(a.value).toMatchObject({ name: 'colours', labels: ['red', 'green'], templates: ['a photo of a {}.', 'a {}.'], threshold: 0.5, version: 1 });
    const same = await createLabelSet(ports, { name: 'colours', labels: ['red', 'green'] });
    expect(same.ok && same.value.version).toBe(1);
    const changed = await createLabelSet(ports, { name: 'colours', labels: ['red', 'green', 'blue'] });
    expect(changed.ok && changed.value.version).toBe(2);
    expect(labelSets(ports).map((s) => s.name)).toEqual(['colours']);
  });

  it('rejects malformed sets with one-line errors', async () => {
    const { ports } = setup();
    for (const input of [
      { name: 'x', labels: ['red'] },
      { name: 'a/b', labels: ['red', 'green'] },
      { name: 'x', labels: ['red', 'Red'] },
      { name: 'x', labels: ['red', 'green'], templates: ['no placeholder'] },
      { name: 'x', labels: ['red', 'green'], vectors: { model: 'other', values: [[1, 0, 0], [0, 1, 0]] } },
      { name: 'x', labels: ['red', 'green'], vectors: { model: MODEL, values: [[1, 0], [0, 1]] } },
      { name: 'x', labels: ['red', 'green'], vectors: { model: MODEL, values: [[1, 0, 0]] } },
    ]) {
      const r = await createLabelSet(ports, input);
      expect(r.ok, JSON.stringify(input)).toBe(false);
      if (!r.ok) expect(r.error.message).not.toContain('\n');
    }
  });

  it('tags each photo with its most probable label when confident, keeping the score', async () => {
    const { ports, tags, encoder } = setup();
    await createLabelSet(ports, { name: 'colours', labels: [...colours], threshold: 0.9 });
    const r = await runTagging(ports, { set: 'colours' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ set: 'colours', photos: 30, tagged: 27 });
    const t = tags.tags.get('colours')!;
    for (let i = 0; i < 27; i++) {
      expect(t.get(i + 1)?.label).toBe(colours[i % 3]);
      expect(t.get(i + 1)!.score).toBeGreaterThanOrEqual(0.9);
    }
    // Ambiguous photos (equal similarity to all three) get a probability of ~1/3: no tag.
    expect(t.has(28)).toBe(false);
    const counts = tagCounts(ports, { set: 'colours' });
    expect(counts.ok && counts.value).toEqual([
      { set: 'colours', label: 'red', count: 9 },
      { set: 'colours', label: 'green', count: 9 },
      { set: 'colours', label: 'blue', count: 9 },
    ]);
    // Label vectors are cached: a second run embeds nothing.
    const calls = encoder.textCalls;
    await runTagging(ports, { set: 'colours' });
    expect(encoder.textCalls).toBe(calls);
  });

  it('uses label vectors given by the renderer without embedding', async () => {
    const { ports, tags, encoder } = setup();
    // Deliberately swapped: the given vectors win over the text encoder.
    const r = await createLabelSet(ports, { name: 'swapped', labels: ['red', 'green'], vectors: { model: MODEL, values: [[0, 1, 0], [1, 0, 0]] }, threshold: 0.5 });
    if (!r.ok) throw new Error(r.error.message);
    await runTagging(ports, { set: 'swapped' });
    expect(encoder.textCalls).toBe(0);
    expect(tags.tags.get('swapped')!.get(1)?.label).toBe('green'); // photo 1 is red-ish
  });

  it('runs on a folder and tags new photos only where a set was run', async () => {
    const { ports, tags, catalog } = setup();
    await createLabelSet(ports, { name: 'colours', labels: [...colours] });
    const r = await runTagging(ports, { set: 'colours', folder: '/lib/a' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.photos).toBe(15);
    expect([...tags.tags.get('colours')!.keys()].every((id) => id <= 15)).toBe(true);

    catalog.photos.set(100, { id: 100, path: '/lib/a/new.jpg', vector: [0, 0, 1] });
    catalog.photos.set(101, { id: 101, path: '/lib/b/new.jpg', vector: [0, 0, 1] });
    const n = await tagNewPhotos(ports, [100, 101]);
    expect(n.ok && n.value).toBe(1);
    expect(tags.tags.get('colours')!.get(100)?.label).toBe('blue');
    expect(tags.tags.get('colours')!.has(101)).toBe(false);
  });

  it('says when the set does not exist', async () => {
    const { ports } = setup();
    const r = await runTagging(ports, { set: 'nope' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('not-found');
  });
});
