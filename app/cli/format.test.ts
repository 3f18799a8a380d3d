import { describe, expect, it } from 'vitest';
import { displayPath, formatDate, formatDuration, roundMs, table } from './format.js';

describe('CLI output helpers', () => {
  it('aligns columns, right-aligns numbers and never pads the last column', () => {
    const t = table([{ n: 1, p: '/a/b.jpg' }, { n: 120, p: '/c.jpg' }], [
      { header: '#', value: (r) => String(r.n), align: 'right' },
      { header: 'path', value: (r) => r.p },
    ]);
    expect(t).toBe('  #  path\n  1  /a/b.jpg\n120  /c.jpg\n');
    expect(t.split('\n').some((l) => l.endsWith(' '))).toBe(false);
  });

  it('formats durations, dates and paths', () => {
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(2500)).toBe('2.5 s');
    expect(roundMs(12.345)).toBe(12.3);
    expect(formatDate('2024-05-01T10:00:00Z')).toBe('2024-05-01');
    expect(formatDate(null)).toBe('-');
    expect(displayPath('/home/u/pics/a.jpg', '/home/u')).toBe('pics/a.jpg');
    expect(displayPath('/srv/a.jpg', '/home/u')).toBe('/srv/a.jpg');
  });
});
