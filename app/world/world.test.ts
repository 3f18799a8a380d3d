import { describe, expect, it } from 'vitest';
import { captionScene, captionSceneWithKinds, groupCaptionWith, relationOf } from './caption.js';
import { createRng } from './prng.js';
import { largestGroup, sampleScene } from './scene.js';
import {
  BACKGROUND_EXCLUDES,
  BACKGROUND_PHRASES,
  COUNT_WORDS,
  HELDOUT_COMBOS,
  isHeldout,
  MAX_CAPTION_WORDS,
  phraseWords,
  POSITION_PHRASES,
  RELATION_PHRASES,
  SHAPE_PLURAL,
  SIZE_WORDS,
  worldVocabulary,
} from './vocabulary.js';

const N = 600;

describe('prng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('scenes', () => {
  it('are deterministic from (seed, index) and change with the seed', () => {
    expect(sampleScene(5, 17)).toEqual(sampleScene(5, 17));
    expect(captionScene(sampleScene(5, 17), 4)).toEqual(captionScene(sampleScene(5, 17), 4));
    expect(sampleScene(6, 17)).not.toEqual(sampleScene(5, 17));
  });

  it('have 1–3 objects, one unique largest group, distinct cells, no overlaps, all inside the square', () => {
    for (let i = 0; i < N; i++) {
      const s = sampleScene(11, i);
      const objects = s.groups.flatMap((g) => g.objects);
      expect(objects.length).toBeGreaterThanOrEqual(1);
      expect(objects.length).toBeLessThanOrEqual(3);
      for (const g of s.groups) expect(g.objects.length).toBe(g.count);
      const maxSize = Math.max(...objects.map((o) => o.size));
      const biggest = s.groups.filter((g) => g.objects.some((o) => o.size > maxSize * 0.75));
      expect(biggest).toEqual([largestGroup(s)]);
      expect(new Set(s.groups.map((g) => g.position)).size).toBe(s.groups.length);
      for (const o of objects) {
        expect(o.x - o.size / 2).toBeGreaterThanOrEqual(0);
        expect(o.y - o.size / 2).toBeGreaterThanOrEqual(0);
        expect(o.x + o.size / 2).toBeLessThanOrEqual(1);
        expect(o.y + o.size / 2).toBeLessThanOrEqual(1);
      }
      for (const g of s.groups)
        for (const h of s.groups)
          if (g !== h)
            for (const p of g.objects) for (const q of h.objects) expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeGreaterThan(p.size / 2 + q.size / 2);
      for (const g of s.groups) expect(BACKGROUND_EXCLUDES[s.background]).not.toContain(g.colour);
    }
  });

  it('never contain a held-out combination in the train split, always in the heldout split', () => {
    let seenHeldoutInAll = 0;
    for (let i = 0; i < N; i++) {
      const train = sampleScene(3, i, 'train');
      expect(train.groups.some((g) => isHeldout(g.colour, g.shape))).toBe(false);
      expect(train.heldout).toBe(false);
      const held = sampleScene(3, i, 'heldout');
      expect(held.groups.some((g) => isHeldout(g.colour, g.shape))).toBe(true);
      if (sampleScene(3, i, 'all').heldout) seenHeldoutInAll++;
    }
    expect(seenHeldoutInAll).toBeGreaterThan(0);
    expect(HELDOUT_COMBOS.length).toBe(6);
  });
});

describe('captions', () => {
  const vocab = new Set(worldVocabulary().words);
  const alternatives = (xs: readonly string[]): string => xs.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

  it('use only vocabulary words and fit the context', () => {
    for (let i = 0; i < N; i++) {
      for (const c of captionScene(sampleScene(21, i), 4, { partial: 0.5 })) {
        const words = phraseWords(c);
        expect(words.length).toBeLessThanOrEqual(MAX_CAPTION_WORDS);
        for (const w of words) expect(vocab.has(w), `"${w}" in "${c}"`).toBe(true);
      }
    }
    const v = worldVocabulary();
    for (const t of [...v.templates.colour, ...v.templates.shape])
      for (const label of [...v.colours, ...v.shapes]) for (const w of phraseWords(t.replace('{}', label))) expect(vocab.has(w)).toBe(true);
  });

  it("mention every group's count, size, colour, shape, position or relation, and the background", () => {
    let relations = 0;
    for (let i = 0; i < N; i++) {
      const s = sampleScene(31, i);
      for (const c of captionScene(s, 4)) {
        for (const g of s.groups) {
          const np = new RegExp(`(^|[ ,])(${alternatives(COUNT_WORDS[g.count])}) (${alternatives(SIZE_WORDS[g.size])}) ${g.colour} ${g.count === 1 ? g.shape : SHAPE_PLURAL[g.shape]}($|[ ,])`);
          expect(np.test(c), `${JSON.stringify(g)} in "${c}"`).toBe(true);
        }
        expect(BACKGROUND_PHRASES[s.background].some((p) => c.includes(p)), c).toBe(true);
        const [a, b] = s.groups;
        const rel = s.groups.length === 2 && a && b ? relationOf(a, b) : null;
        const usesRelation = rel !== null && [...RELATION_PHRASES[rel], ...RELATION_PHRASES[relationOf(b as never, a as never) ?? rel]].some((p) => c.includes(` ${p} `));
        if (usesRelation) relations++;
        else for (const g of s.groups) expect(POSITION_PHRASES[g.position].some((p) => c.includes(p)), `${g.position} in "${c}"`).toBe(true);
      }
    }
    expect(relations).toBeGreaterThan(0);
  });

  it('partial captions name the largest group by shape alone, colour alone, or both', () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = sampleScene(51, i);
      const g = largestGroup(s);
      const [full, ...partials] = captionScene(s, 4, { partial: 1 });
      expect(full).toContain(g.colour); // caption 0 stays a full caption
      for (const c of partials) {
        const words = phraseWords(c);
        const hasShape = words.includes(g.shape) || words.includes(SHAPE_PLURAL[g.shape]);
        const hasColour = words.includes(g.colour);
        expect(hasShape || hasColour, c).toBe(true);
        for (const other of s.groups) if (other !== g && other.colour !== g.colour && other.shape !== g.shape) expect(words.includes(other.colour) && words.includes(other.shape), c).toBe(false);
        kinds.add(`${hasShape}/${hasColour}`);
      }
    }
    expect(kinds).toEqual(new Set(['true/true', 'true/false', 'false/true']));
  });

  it('group captions name one of the scene\'s groups by colour and shape, in the plural when it has several', () => {
    const rng = createRng(5);
    let plural = 0;
    for (let i = 0; i < 200; i++) {
      const s = sampleScene(61, i);
      const words = phraseWords(groupCaptionWith(s, rng));
      const g = s.groups.find((x) => words.includes(x.colour) && words.includes(x.count === 1 ? x.shape : SHAPE_PLURAL[x.shape]));
      expect(g, words.join(' ')).toBeDefined();
      // any group but the largest says its size: "a star" alone means the main object
      if (g && g !== largestGroup(s)) expect(SIZE_WORDS[g.size].some((w) => words.includes(w)), words.join(' ')).toBe(true);
      if (g && g.count > 1) plural++;
    }
    expect(plural).toBeGreaterThan(10);
  });

  it('each caption says what it describes (training draws group captions apart), with the same texts as captionScene', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const s = sampleScene(71, i);
      const opts = { partial: 0.4, groupPartial: 0.3 };
      const withKinds = captionSceneWithKinds(s, 6, opts);
      expect(withKinds.map((c) => c.text)).toEqual(captionScene(s, 6, opts));
      expect(withKinds[0]!.kind).toBe('full');
      for (const c of withKinds) {
        seen.add(c.kind);
        // a full caption names every group's colour; a group caption names one group only
        if (c.kind === 'full') for (const g of s.groups) expect(phraseWords(c.text), c.text).toContain(g.colour);
        if (c.kind === 'group') expect(s.groups.some((g) => phraseWords(c.text).includes(g.count === 1 ? g.shape : SHAPE_PLURAL[g.shape])), c.text).toBe(true);
      }
    }
    expect(seen).toEqual(new Set(['full', 'partial', 'group']));
    expect(captionSceneWithKinds(sampleScene(71, 0), 4).every((c) => c.kind === 'full')).toBe(true);
  });

  it('vary: a scene gets distinct captions', () => {
    let distinct = 0;
    for (let i = 0; i < 200; i++) if (new Set(captionScene(sampleScene(41, i), 4)).size === 4) distinct++;
    expect(distinct).toBeGreaterThan(150);
  });
});
