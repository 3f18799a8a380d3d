import { describe, expect, it } from 'vitest';
import { formatQuery, parseQuery } from './query-parse.js';

const terms = (q: string, resolve?: (t: string) => string | null) => {
  const r = parseQuery(q, resolve ? { resolveImagePath: resolve } : {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const error = (q: string) => {
  const r = parseQuery(q);
  if (r.ok) throw new Error(`expected an error for ${q}`);
  return r.error.message;
};

describe('parseQuery', () => {
  it('keeps a plain phrase as one text term', () => {
    expect(terms('two red circles')).toEqual([{ kind: 'text', text: 'two red circles', weight: 1 }]);
  });

  it('parses quoted and bare arithmetic the same way', () => {
    const expected = [
      { kind: 'text', text: 'beach', weight: 1 },
      { kind: 'text', text: 'sunset', weight: 1 },
      { kind: 'text', text: 'people', weight: -1 },
    ];
    expect(terms('"beach" + "sunset" - "people"')).toEqual(expected);
    expect(terms('beach + sunset - people')).toEqual(expected);
    expect(terms('beach+sunset -people')).toEqual(expected);
  });

  it('reads weights on bare and quoted terms, signed by the operator', () => {
    expect(terms('2:cat - 0.5:"red circle" + .25:dog')).toEqual([
      { kind: 'text', text: 'cat', weight: 2 },
      { kind: 'text', text: 'red circle', weight: -0.5 },
      { kind: 'text', text: 'dog', weight: 0.25 },
    ]);
  });

  it('negates a leading term', () => {
    expect(terms('-people + beach')).toEqual([
      { kind: 'text', text: 'people', weight: -1 },
      { kind: 'text', text: 'beach', weight: 1 },
    ]);
  });

  it('keeps hyphenated words and quoted operators inside terms', () => {
    expect(terms('black-and-white photo')).toEqual([{ kind: 'text', text: 'black-and-white photo', weight: 1 }]);
    expect(terms('"a + b - c"')).toEqual([{ kind: 'text', text: 'a + b - c', weight: 1 }]);
  });

  it('recognises photo references', () => {
    expect(terms('#12 - 0.5:#7')).toEqual([
      { kind: 'photo', photoId: 12, weight: 1 },
      { kind: 'photo', photoId: 7, weight: -0.5 },
    ]);
    expect(terms('"#12"')).toEqual([{ kind: 'text', text: '#12', weight: 1 }]);
  });

  it('turns terms the resolver knows into image terms, and leaves the rest as text', () => {
    const resolve = (t: string) => (t.endsWith('.jpg') ? `/abs/${t}` : null);
    expect(terms('"my photo.jpg" + 2:sunset', resolve)).toEqual([
      { kind: 'image', path: '/abs/my photo.jpg', weight: 1 },
      { kind: 'text', text: 'sunset', weight: 2 },
    ]);
    // Without a resolver (the browser) a path stays text.
    expect(terms('x.jpg')).toEqual([{ kind: 'text', text: 'x.jpg', weight: 1 }]);
  });

  it('gives one-line errors for malformed queries', () => {
    for (const q of ['', '   ', 'cat +', 'cat + + dog', '"unterminated', '""', '2: cat', 'cat "dog"', '"cat"dog', '2:']) {
      const m = error(q);
      expect(m).toMatch(/^malformed query: /);
      expect(m).not.toContain('\n');
    }
    expect(error('cat +')).toContain('ends with an operator');
    expect(error('"unterminated')).toContain('unterminated quote');
  });

  it('round-trips through formatQuery', () => {
    for (const q of ['beach + sunset - people', '2:cat - 0.5:"red circle"', '-#3 + dog']) {
      const once = terms(q);
      expect(terms(formatQuery(once))).toEqual(once);
    }
  });
});
