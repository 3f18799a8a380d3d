// Training data for the demo CLIP, in the format agreed with role train (see models/training/):
//   images.u8   uint8 N×3×size×size CHW — the app's own decode + resize + crop (preprocessToRgb)
//               of scenes rendered at varied sizes and aspect ratios and JPEG-encoded like photos,
//               so the model trains on exactly the pixels the app will feed it;
//   tokens.i32  int32 little-endian N×K×context — K captions per image, by the app's ClipTokenizer;
//   meta.jsonl  one line per image: {"captions","scene","heldout","largest",…}; a twin's line also
//               has "twinOf", the row of the scene it is the twin of (always the row before);
//   info.json   {"count" (rows, twins included),"scenes","size","captions","context","seed","split","mean","std",…}.
import { open, mkdir, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { endianness } from 'node:os';
import { CLIP_MEAN, CLIP_STD, type PreprocessSpec } from '../embed/common/model-format.js';
import type { ClipTokenizer } from '../embed/common/tokenizer.js';
import { loadTokenizer } from '../embed/node/load-tokenizer.js';
import { preprocessToRgb } from '../embed/node/preprocess.js';
import { AppFailure, appError, err, ok, toAppError, type Result } from '../shared/result.js';
import { captionSceneWithKinds, type CaptionKind } from './caption.js';
import { forEachPool } from './pool.js';
import { rngFor } from './prng.js';
import { renderScene } from './render.js';
import { largestGroup, sampleScene, sceneAttributes, STREAM, twinScene, type Scene, type Split } from './scene.js';

export interface TrainingDataOptions {
  count: number;
  seed: number;
  /** tokenizer.json to tokenize captions with. */
  tokenizerPath: string;
  /** Model input side (default 64). */
  size?: number;
  /** Token context length (default 32). */
  context?: number;
  /** Captions per image, K (default 4). */
  captions?: number;
  split?: Split;
  /** Probability that captions 1..K-1 are attribute-only captions of the largest object (default 0). */
  partial?: number;
  /** Probability that captions 2..K name one group alone (see groupCaptionWith). */
  groupPartial?: number;
  /** Probability that a scene is followed by its twin (twinScene: the largest group's shape changed; default 0). */
  twins?: number;
  /** Probability that a twin changes one of the smaller groups instead, in scenes that have one (default 0). */
  smallTwins?: number;
  /** Renders in flight (default 4). */
  concurrency?: number;
  /** Short side of the rendered photo, before the app resizes it (default size … size + 96: 64–160 at 64 px). */
  minSide?: number;
  maxSide?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface TrainingDataInfo {
  /** Rows (images), twins included. */
  count: number;
  /** Scenes sampled; count − scenes rows are twins. */
  scenes: number;
  size: number;
  captions: number;
  context: number;
  seed: number;
  split: Split;
  mean: number[];
  std: number[];
  partial: number;
  groupPartial: number;
  twins: number;
  smallTwins: number;
}

/** The render of one training sample: size, aspect ratio and JPEG quality vary like real photos. */
export function sampleRenderSettings(seed: number, index: number, minSide = 64, maxSide = 160): { width: number; height: number; quality: number } {
  const rng = rngFor(seed, index, STREAM.render);
  const short = minSide + rng.int(maxSide - minSide + 1);
  const aspect = rng.pick([1, 1, 5 / 4, 4 / 3, 4 / 3, 3 / 2, 16 / 9]);
  const long = Math.round(short * aspect);
  const portrait = rng.chance(0.35);
  return { width: portrait ? short : long, height: portrait ? long : short, quality: 55 + rng.int(41) };
}

/** Preprocess spec of the demo model (64 px, shortest side + centre crop, bicubic, CLIP mean/std). */
export function demoPreprocessSpec(size = 64): PreprocessSpec {
  return { size, resize: 'shortest', interpolation: 'bicubic', mean: [...CLIP_MEAN], std: [...CLIP_STD] };
}

interface Sample {
  rgb: Uint8Array;
  captions: string[];
  kinds: CaptionKind[];
  scene: Scene;
  render: { width: number; height: number; quality: number };
}

type SampleOptions = Required<Pick<TrainingDataOptions, 'seed' | 'captions' | 'split' | 'partial' | 'groupPartial' | 'twins' | 'smallTwins' | 'minSide' | 'maxSide'>>;

/** Scene `index` as one sample, or two when it gets a twin (rendered and captioned alike). */
async function makeSamples(index: number, opts: SampleOptions, spec: PreprocessSpec): Promise<Sample[]> {
  const scene = sampleScene(opts.seed, index, opts.split);
  const render = sampleRenderSettings(opts.seed, index, opts.minSide, opts.maxSide);
  const rng = rngFor(opts.seed, index, STREAM.twin);
  let twin: Scene | null = null;
  if (opts.twins > 0 && rng.chance(opts.twins)) {
    const largest = largestGroup(scene);
    const smaller = scene.groups.filter((g) => g !== largest);
    // drawn only when asked for, so that data made without small twins stays byte for byte the same
    const group = opts.smallTwins > 0 && smaller.length > 0 && rng.chance(opts.smallTwins) ? rng.pick(smaller) : largest;
    twin = twinScene(scene, rng, group);
  }
  return Promise.all([scene, ...(twin ? [twin] : [])].map((s) => makeSample(s, render, opts, spec)));
}

async function makeSample(scene: Scene, render: Sample['render'], opts: SampleOptions, spec: PreprocessSpec): Promise<Sample> {
  const jpeg = await renderScene(scene, render.width, render.height).jpeg({ quality: render.quality }).toBuffer();
  const pre = await preprocessToRgb(jpeg, spec);
  if (!pre.ok) throw new AppFailure(pre.error);
  const captions = captionSceneWithKinds(scene, opts.captions, { partial: opts.partial, groupPartial: opts.groupPartial });
  return { rgb: pre.value.rgb, captions: captions.map((c) => c.text), kinds: captions.map((c) => c.kind), scene, render };
}

function tokenize(tokenizer: ClipTokenizer, captions: string[]): Buffer {
  const ids = tokenizer.encodeBatch(captions);
  const buf = Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength);
  if (endianness() === 'BE') buf.swap32(); // the format is little-endian everywhere
  return buf;
}

/** Writes `count` samples into `dir` (created if needed). Deterministic: same options → same bytes. */
export async function writeTrainingData(dir: string, options: TrainingDataOptions): Promise<Result<TrainingDataInfo>> {
  const size = options.size ?? 64;
  const context = options.context ?? 32;
  const k = options.captions ?? 4;
  const split = options.split ?? 'train';
  const partial = options.partial ?? 0;
  if (!Number.isInteger(options.count) || options.count < 1) return err(appError('bad-input', '--count must be a positive integer'));
  if (!Number.isInteger(k) || k < 1) return err(appError('bad-input', '--captions must be a positive integer'));
  if (!(partial >= 0 && partial <= 1)) return err(appError('bad-input', '--partial must be between 0 and 1'));
  const tok = await loadTokenizer(options.tokenizerPath, { file: options.tokenizerPath, contextLength: context, padId: 0, cleaning: 'clip', truncation: 'clip' });
  if (!tok.ok) return tok;
  const spec = demoPreprocessSpec(size);
  const twins = options.twins ?? 0;
  if (!(twins >= 0 && twins <= 1)) return err(appError('bad-input', '--twins must be between 0 and 1'));
  const smallTwins = options.smallTwins ?? 0;
  if (!(smallTwins >= 0 && smallTwins <= 1)) return err(appError('bad-input', '--small-twins must be between 0 and 1'));
  const sampleOpts = { seed: options.seed, captions: k, split, partial, groupPartial: options.groupPartial ?? 0, twins, smallTwins, minSide: options.minSide ?? size, maxSide: options.maxSide ?? size + 96 };

  const handles: FileHandle[] = [];
  try {
    await mkdir(dir, { recursive: true });
    const [images, tokens, meta] = await Promise.all(['images.u8', 'tokens.i32', 'meta.jsonl'].map((f) => open(join(dir, f), 'w')));
    handles.push(images!, tokens!, meta!);
    // Chunks keep memory flat and the files in index order while renders complete out of order.
    const chunk = 512;
    let rows = 0;
    for (let start = 0; start < options.count; start += chunk) {
      const n = Math.min(chunk, options.count - start);
      const made = new Array<Sample[]>(n);
      await forEachPool(n, options.concurrency ?? 4, async (j) => {
        made[j] = await makeSamples(start + j, sampleOpts, spec);
      });
      const samples = made.flat();
      await images!.write(Buffer.concat(samples.map((s) => s.rgb)));
      await tokens!.write(tokenize(tok.value, samples.flatMap((s) => s.captions)));
      const lines = samples.map((s, j) => {
        const largest = largestGroup(s.scene);
        const twinOf = j > 0 && samples[j - 1]!.scene.index === s.scene.index ? { twinOf: rows + j - 1 } : {};
        return JSON.stringify({ index: s.scene.index, captions: s.captions, kinds: s.kinds, scene: sceneAttributes(s.scene), heldout: s.scene.heldout, largest: { colour: largest.colour, shape: largest.shape }, render: s.render, ...twinOf });
      });
      rows += samples.length;
      await meta!.write(`${lines.join('\n')}\n`);
      options.onProgress?.(start + n, options.count);
    }
    const info: TrainingDataInfo = { count: rows, scenes: options.count, size, captions: k, context, seed: options.seed, split, mean: [...spec.mean], std: [...spec.std], partial, groupPartial: options.groupPartial ?? 0, twins, smallTwins };
    await writeFile(join(dir, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
    return ok(info);
  } catch (e) {
    return err(toAppError(e, 'io', dir));
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
}
