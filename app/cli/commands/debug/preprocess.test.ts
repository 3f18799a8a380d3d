import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../command.js';
import { CLIP_MEAN, CLIP_STD } from '../../../embed/common/model-format.js';
import { preprocessImage } from '../../../embed/node/preprocess.js';
import { command } from './preprocess.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'shoebox-debug-preprocess-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeIO(): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on('data', (b: Buffer) => o.push(b));
  stderr.on('data', (b: Buffer) => e.push(b));
  return {
    io: { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: process.cwd() },
    out: () => Buffer.concat(o).toString(),
    err: () => Buffer.concat(e).toString(),
  };
}

const photo = '../shared/reference/photos/orientation-5-landscape.jpg';
const clipArgs = ['--size', '224', '--resize', 'shortest', '--mean', CLIP_MEAN.join(','), '--std', CLIP_STD.join(','), '--interpolation', 'bicubic'];
const spec = { size: 224, resize: 'shortest', interpolation: 'bicubic', mean: CLIP_MEAN, std: CLIP_STD } as const;

function f32(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

describe('shoebox debug preprocess', () => {
  it('writes the normalised CHW float32 tensor', async () => {
    const out = path.join(tmp, 'a.f32');
    const { io } = fakeIO();
    expect(await command.run([photo, '--out', out, ...clipArgs], io)).toBe(0);
    const expected = await preprocessImage(photo, spec);
    if (!expected.ok) throw new Error(expected.error.message);
    expect(readFileSync(out).length).toBe(3 * 224 * 224 * 4);
    expect(f32(out)).toEqual(expected.value.tensor);
  });

  it('reads the preprocess spec from --model DIR/model.json', async () => {
    const dir = path.join(tmp, 'model');
    mkdirSync(dir, { recursive: true });
    const manifest = {
      schema: 1, id: 'test-model', name: 'Test', embeddingSize: 8,
      image: { file: 'image.onnx', input: { name: 'pixel_values', type: 'float32' }, output: 'image_embeds', normalized: false },
      text: { file: 'text.onnx', input: { name: 'input_ids', type: 'int64' }, output: 'text_embeds', normalized: false },
      preprocess: { size: 64, resize: 'squash', interpolation: 'bicubic', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
      tokenizer: { file: 'tokenizer.json', contextLength: 32, padId: 0 },
      logitScale: 100, promptTemplates: ['a photo of {}'],
      files: [{ path: 'image.onnx', sha256: '0'.repeat(64), bytes: 1 }],
    };
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(manifest));
    const out = path.join(tmp, 'b.f32');
    expect(await command.run([photo, '--out', out, '--model', dir], fakeIO().io)).toBe(0);
    const expected = await preprocessImage(photo, manifest.preprocess as never);
    if (!expected.ok) throw new Error(expected.error.message);
    expect(f32(out)).toEqual(expected.value.tensor);
    expect(f32(out).length).toBe(3 * 64 * 64);
  });

  it('exits non-zero with one line, no stack, for an image it cannot decode', async () => {
    for (const bad of ['truncated.jpg', 'decompression-bomb-40000x40000.png', 'random-bytes.jpg', 'folder-named.jpg']) {
      const { io, err } = fakeIO();
      const code = await command.run([`../shared/reference/bad-inputs/${bad}`, '--out', path.join(tmp, 'x.f32'), ...clipArgs], io);
      expect(code).toBe(1);
      expect(err().trimEnd().split('\n')).toHaveLength(1);
      expect(err()).not.toMatch(/\bat .*:\d+:\d+/);
    }
  });

  it('rejects incomplete options with usage (exit 2)', async () => {
    const { io, err } = fakeIO();
    expect(await command.run([photo, '--out', path.join(tmp, 'y.f32'), '--size', '224'], io)).toBe(2);
    expect(err()).toMatch(/--resize|--mean|--std|--model/);
  });
});
