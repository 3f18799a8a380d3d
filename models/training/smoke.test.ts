// Smoke test of the training recipe: a few dozen scenes from the world, a few training steps, an
// export to a temp folder, then the exported encoders load and run in onnxruntime-node and the
// manifest validates. Needs Debian's /usr/bin/python3 with python3-torch (CI installs it).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelManifestSchema } from '../../app/embed/common/model-format.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const python = process.env.SHOEBOX_PYTHON ?? '/usr/bin/python3';
const env = { ...process.env, OMP_NUM_THREADS: '1' };
const tokenizer = join(repo, 'models/demo/tokenizer.json');
// A model small enough to train in seconds; `extra` adds Config fields ('"stem":4,').
const tinyConfig = (extra = ''): string => `{"widths":[8,8,8],${extra}"image_width":32,"text_width":32,"text_layers":1,"text_heads":2,"embed_dim":16}`;

describe('training recipe smoke test', () => {
  let tmp = '';
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('trains a few steps, exports, and the ONNX encoders run', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'shoebox-smoke-'));
    const data = join(tmp, 'data');
    const out = join(tmp, 'model');
    await run('node', ['bin/shoebox.js', 'debug', 'training-data', '--out', data, '--count', '24', '--seed', '77', '--tokenizer', tokenizer, '--captions', '3', '--partial', '0.4', '--group-partial', '0.4', '--twins', '0.5', '--small-twins', '0.5'], { cwd: repo, env });
    await run('node', ['bin/shoebox.js', 'debug', 'world-vocab', '--out', join(tmp, 'vocab.json')], { cwd: repo, env });
    const train = await run(python, ['models/training/train.py', '--data', data, '--tokenizer', tokenizer, '--out', join(tmp, 'ckpt.pt'),
      '--steps', '3', '--batch', '8', '--threads', '1', '--log-every', '1', '--config', tinyConfig()], { cwd: repo, env });
    expect(train.stdout).toMatch(/step +3 +loss \d/);
    // phase 2 of the recipe: continue from phase 1 with short captions, shape captions, edited negatives and twin pairs
    const phase2 = await run(python, ['models/training/train.py', '--data', data, '--tokenizer', tokenizer, '--out', join(tmp, 'ckpt2.pt'), '--init', join(tmp, 'ckpt.pt'),
      '--steps', '2', '--batch', '8', '--threads', '1', '--log-every', '1', '--short-frac', '0.3', '--shape-frac', '0.5', '--group-frac', '0.3', '--neg-frac', '1', '--neg-confusable', '0.05', '--twin-frac', '0.5', '--temp-lr', '10', '--twin-weight', '1', '--small-twin-weight', '3', '--neg-edits', 'colour=1', '--val', data, '--config', tinyConfig()], { cwd: repo, env });
    expect(phase2.stdout).toMatch(/step +2 +loss \d.*shape-cos max [\d.]+ \(\w+\/\w+\).*val-R@1\(\d+\) [\d.]+ +val-shape\(\d+\) [\d.]+/);
    const groups = await run(python, ['models/training/optimizer_groups_test.py'], { cwd: repo, env });
    expect(groups.stdout).toMatch(/optimizer groups ok/);
    const separation = await run(python, ['models/training/twin_separation_test.py'], { cwd: repo, env });
    expect(separation.stdout).toMatch(/twin separation ok/);
    const twins = await run(python, ['models/training/twins_test.py', data, tokenizer], { cwd: repo, env });
    expect(twins.stdout).toMatch(/twins ok/);
    const textSplit = await run(python, ['models/training/text_split_test.py'], { cwd: repo, env });
    expect(textSplit.stdout).toMatch(/text split ok/);
    const negatives = await run(python, ['models/training/negatives_test.py', tokenizer], { cwd: repo, env });
    expect(negatives.stdout).toMatch(/negatives ok: \['count', 'shape', 'swap-colours', 'swap-shapes'\]/);
    await run(python, ['models/training/export.py', '--ckpt', join(tmp, 'ckpt2.pt'), '--tokenizer', tokenizer, '--vocab', join(tmp, 'vocab.json'), '--out', out, '--data', data], { cwd: repo, env });

    const manifest = ModelManifestSchema.parse(JSON.parse(await readFile(join(out, 'model.json'), 'utf8')));
    expect(manifest.embeddingSize).toBe(16);
    const opts = { intraOpNumThreads: 1 };
    const image = await ort.InferenceSession.create(join(out, manifest.image.file), opts);
    const text = await ort.InferenceSession.create(join(out, manifest.text.file), opts);
    try {
      // a batch size never seen at export time: the batch axis is dynamic
      const pixels = new ort.Tensor('float32', new Float32Array(5 * 3 * 64 * 64).fill(0.1), [5, 3, 64, 64]);
      const img = (await image.run({ [manifest.image.input.name]: pixels }))[manifest.image.output]!;
      expect(img.dims).toEqual([5, 16]);
      // <|startoftext|>, <|endoftext|> are the tokenizer's last two ids
      const vocabSize = Object.keys((JSON.parse(await readFile(tokenizer, 'utf8')) as { model: { vocab: object } }).model.vocab).length;
      const ids = new BigInt64Array(3 * 32);
      for (let r = 0; r < 3; r++) {
        ids[r * 32] = BigInt(vocabSize - 2);
        ids[r * 32 + 1 + r] = BigInt(vocabSize - 1);
      }
      const txt = (await text.run({ [manifest.text.input.name]: new ort.Tensor('int64', ids, [3, 32]) }))[manifest.text.output]!;
      expect(txt.dims).toEqual([3, 16]);
      expect(Array.from(txt.data as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      await image.release();
      await text.release();
    }
  }, 240_000);

  // Two ways to bring a 128 px input to the 64x64 body: a stride-2 stem conv, or space-to-depth (each
  // 2x2 block becomes 12 channels). Each trains a step, exports, and its ONNX graph reproduces PyTorch.
  // Space-to-depth goes the recipe's way: phase 1 on the images averaged to 64 px (--pool 2), then
  // phase 2 at 128 px started from it, which must compute the same function at first (widen_test.py).
  it.each([
    ['a stride-2 stem', 'stem', '"stem":4,', false],
    ['space-to-depth', 's2d', '"space_to_depth":true,', true],
    ['space-to-depth in the Haar basis', 'haar', '"space_to_depth":true,"haar":true,', true],
  ])('a 128 px input trains through %s, exports with that size in the manifest and matches PyTorch', async (_name, tag, option, pooledPhase1) => {
    const dir = join(tmp || (tmp = await mkdtemp(join(tmpdir(), 'shoebox-smoke-'))), `big-${tag}`);
    const data = join(dir, 'data');
    const out = join(dir, 'model');
    await run('node', ['bin/shoebox.js', 'debug', 'training-data', '--out', data, '--count', '8', '--seed', '78', '--tokenizer', tokenizer, '--size', '128', '--captions', '2'], { cwd: repo, env });
    await run('node', ['bin/shoebox.js', 'debug', 'world-vocab', '--out', join(dir, 'vocab.json')], { cwd: repo, env });
    const step = (out: string, extra: string[]) => run(python, ['models/training/train.py', '--data', data, '--tokenizer', tokenizer, '--out', join(dir, out),
      '--steps', '1', '--batch', '4', '--threads', '1', '--log-every', '1', ...extra], { cwd: repo, env });
    const ckpt = join(dir, 'ckpt.pt');
    if (pooledPhase1) {
      expect((await step('ckpt1.pt', ['--pool', '2', '--config', tinyConfig()])).stdout).toMatch(/step +1 +loss \d/);
      expect((await run(python, ['models/training/widen_test.py', join(dir, 'ckpt1.pt')], { cwd: repo, env })).stdout).toMatch(/widen ok/);
      expect((await step('ckpt.pt', ['--init', join(dir, 'ckpt1.pt'), '--config', tinyConfig(option)])).stdout).toMatch(/step +1 +loss \d/);
    } else {
      expect((await step('ckpt.pt', ['--config', tinyConfig(option)])).stdout).toMatch(/step +1 +loss \d/);
    }
    await run(python, ['models/training/export.py', '--ckpt', ckpt, '--tokenizer', tokenizer, '--vocab', join(dir, 'vocab.json'), '--out', out, '--data', data], { cwd: repo, env });
    const manifest = ModelManifestSchema.parse(JSON.parse(await readFile(join(out, 'model.json'), 'utf8')));
    expect(manifest.preprocess.size).toBe(128);
    const vectors = JSON.parse(await readFile(join(out, 'test-vectors.json'), 'utf8')) as {
      tolerance: number;
      image: { shape: number[]; pixel_values: number[]; image_embeds: number[] }[];
    };
    const image = await ort.InferenceSession.create(join(out, manifest.image.file), { intraOpNumThreads: 1 });
    try {
      const row = vectors.image[0]!;
      expect(row.shape).toEqual([3, 128, 128]);
      const pixels = new ort.Tensor('float32', Float32Array.from(row.pixel_values), [1, ...row.shape]);
      const got = (await image.run({ [manifest.image.input.name]: pixels }))[manifest.image.output]!;
      expect(got.dims).toEqual([1, 16]);
      const diff = Math.max(...Array.from(got.data as Float32Array, (v, i) => Math.abs(v - row.image_embeds[i]!)));
      expect(diff).toBeLessThanOrEqual(vectors.tolerance);
    } finally {
      await image.release();
    }
  }, 240_000);
});
