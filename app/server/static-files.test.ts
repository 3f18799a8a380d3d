import { describe, expect, it } from 'vitest';
import { safeJoin } from './static-files.js';

describe('safeJoin', () => {
  it('maps paths inside the folder', () => {
    expect(safeJoin('/srv/dist', '/assets/app.js')).toBe('/srv/dist/assets/app.js');
    expect(safeJoin('/srv/dist', 'index.html')).toBe('/srv/dist/index.html');
  });
  it('refuses anything that climbs out, encoded or not', () => {
    for (const p of ['/../etc/passwd', '/assets/../../x', '/%2e%2e/etc/passwd', '/a/%2E%2E/%2E%2E/b', '/..%5c..%5cwin.ini', '/%00', '/%zz']) {
      expect(safeJoin('/srv/dist', p), p).toBeNull();
    }
  });
});
