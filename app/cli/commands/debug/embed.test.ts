import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../command.js';
import { main } from '../../main.js';
import { loadModel } from '../../../embed/node/model-load.js';
import { preprocessImage } from '../../../embed/node/preprocess.js';

const TINY = fileURLToPath(new URL('../../../embed/node/fixtures/tiny-clip-alt/', import.meta.url));
const PHOTO = fileURLToPath(new URL('../../../../../shared/reference/photos/jpeg-444-coffee.jpg', import.meta.url));

async function run(args: string[]): Promise<{ code: number; out: string; errOut: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errOut = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (errOut += d.toString()));
  const io: CliIO = { stdout, stderr, stdin: new PassThrough(), env: { SHOEBOX_PROVIDERS: 'cpu', SHOEBOX_THREADS: '1', SHOEBOX_CACHE_DIR: join(tmpdir(), 'shoebox-rt-embed-test') }, cwd: process.cwd() };
  const code = await main(args, io);
  return { code, out, errOut };
}

interface Output {
  model: string;
  dim: number;
  items: Array<{ text?: string; path?: string; ids?: number[]; vector?: number[]; error?: string }>;
}

describe('shoebox debug embed-text / embed-image', () => {
  it('prints the same vectors as the runtime API', async () => {
    const r = await run(['debug', 'embed-text', '--model', TINY, 'a red circle', 'a cat']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out) as Output;
    expect([o.model, o.dim, o.items.map((i) => i.text)]).toEqual(['tiny-clip-alt', 16, ['a red circle', 'a cat']]);
    const m = await loadModel(TINY, { verifyCachePath: null, providers: ['cpu'], threads: 1 });
    if (!m.ok) throw new Error(m.error.message);
    const v = await m.value.text.encode(['a red circle', 'a cat']);
    await m.value.close();
    if (!v.ok) throw new Error(v.error.message);
    expect(o.items.map((i) => i.vector)).toEqual(v.value.map((x) => Array.from(x)));
  });

  it('embeds images and reports the ones that fail, with exit code 1', async () => {
    const r = await run(['debug', 'embed-image', '--model', TINY, '--no-verify', PHOTO, '/nonexistent/photo.jpg']);
    expect(r.code).toBe(1);
    const o = JSON.parse(r.out) as Output;
    expect(o.items[0]?.vector).toHaveLength(16);
    expect(o.items[1]?.error).toMatch(/no such file/);
    expect(r.errOut.trim().split('\n')).toHaveLength(1);
    const m = await loadModel(TINY, { verifyCachePath: null, providers: ['cpu'], threads: 1 });
    if (!m.ok) throw new Error(m.error.message);
    const pre = await preprocessImage(PHOTO, m.value.manifest.preprocess);
    if (!pre.ok) throw new Error(pre.error.message);
    const v = await m.value.image.encode(pre.value.tensor, 1);
    await m.value.close();
    expect(v.ok && Array.from(v.value[0]!)).toEqual(o.items[0]?.vector);
  });

  it('a folder that is not a model: one line, exit code 1', async () => {
    const r = await run(['debug', 'embed-text', '--model', '/tmp', 'x']);
    expect([r.code, r.errOut]).toEqual([1, 'shoebox debug embed-text: no model.json in /tmp (is this a model folder?)\n']);
  });
});
