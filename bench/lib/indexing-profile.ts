// Where indexing's CPU goes beyond the bare decode + resize: each step the indexer runs per photo,
// timed on its own over the same files at the same concurrency (process CPU time, which includes
// libvips' threads). The sum against `shoebox index`'s CPU time leaves the rest (start-up, SQLite,
// HNSW, scheduling) as the residual.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { contentHash } from '../../app/library/hash.js';
import { readExif } from '../../app/library/metadata.js';
import { preprocessImage } from '../../app/embed/node/preprocess.js';
import { loadModel } from '../../app/embed/node/model-load.js';
import type { PreprocessSpec } from '../../app/embed/common/model-format.js';
import { round } from './report.js';

async function mapLimit<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export interface StepCost {
  step: string;
  wallS: number;
  cpuS: number;
  cpuMsPerImage: number;
}

async function timed(step: string, n: number, fn: () => Promise<void>): Promise<StepCost> {
  const t = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  const cpuS = (c.user + c.system) / 1e6;
  return { step, wallS: round(Number(process.hrtime.bigint() - t) / 1e9, 3), cpuS: round(cpuS, 3), cpuMsPerImage: round((cpuS * 1000) / n, 2) };
}

/** The per-photo steps of indexing, each alone over `files` with `concurrency` at a time. */
export async function profileIndexingSteps(files: string[], modelDir: string, spec: PreprocessSpec, concurrency: number, batch = 16): Promise<StepCost[]> {
  sharp.concurrency(1);
  sharp.cache(false);
  const n = files.length;
  const out: StepCost[] = [];
  out.push(await timed('baseline: sharp decode + orient + resize (from path)', n, () => mapLimit(files, concurrency, async (f) => {
    await sharp(f).rotate().resize(spec.size, spec.size, { fit: 'cover', kernel: 'cubic', fastShrinkOnLoad: false }).removeAlpha().raw().toBuffer();
  })));
  out.push(await timed('read file into memory', n, () => mapLimit(files, concurrency, async (f) => {
    await readFile(f);
  })));
  out.push(await timed('header probe (sharp metadata from bytes)', n, () => mapLimit(files, concurrency, async (f) => {
    await sharp(await readFile(f)).metadata();
  })));
  const tensors: Float32Array[] = [];
  out.push(await timed('preprocessImage (read + probe + decode + resize + orient + normalise)', n, () => mapLimit(files, concurrency, async (f) => {
    const r = await preprocessImage(f, spec);
    if (r.ok) tensors.push(r.value.tensor);
  })));
  out.push(await timed('EXIF (exifr, own read of the file head)', n, () => mapLimit(files, concurrency, async (f) => {
    await readExif(f);
  })));
  out.push(await timed('content hash (size + head/tail 64 KB; scan phase)', n, () => mapLimit(files, concurrency, async (f) => {
    await contentHash(f);
  })));
  const m = await loadModel(modelDir, { threads: 1 });
  if (m.ok) {
    try {
      const per = tensors[0]?.length ?? 0;
      out.push(await timed(`image encoder (bundled model, batch ${batch}, 1 thread)`, n, async () => {
        for (let s = 0; s < tensors.length; s += batch) {
          const k = Math.min(batch, tensors.length - s);
          const px = new Float32Array(per * k);
          for (let i = 0; i < k; i++) px.set(tensors[s + i]!, i * per);
          await m.value.image.encode(px, k);
        }
      }));
    } finally {
      await m.value.close();
    }
  }
  return out;
}
