// The quality tests' library: a generated demo library (role world's writeDemoLibrary), cached
// under build/ keyed by seed, count and size, plus near-identical photos of some of its scenes
// (the same scene rendered again at another size and aspect, JPEG at a lower quality) for the
// "similar" test.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDemoLibrary, type DemoPhoto } from '../../app/world/demo-library.js';
import { encodePhoto } from '../../app/world/photo-writer.js';
import { sampleScene, sceneAttributes } from '../../app/world/scene.js';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const demoModelDir = path.join(repo, 'models/demo');

export interface QualityFixture {
  photosDir: string;
  variantsDir: string;
  photos: DemoPhoto[];
  /** Absolute path → the demo photo it shows (variants map to their source). */
  byPath: Map<string, DemoPhoto>;
  /** Re-rendered photo's absolute path → the original's absolute path. */
  variants: Map<string, string>;
}

export async function qualityFixture(opts: { seed: number; count: number; width: number; height: number; variants: number }): Promise<QualityFixture> {
  const key = `demo-s${opts.seed}-n${opts.count}-${opts.width}x${opts.height}`;
  const base = path.join(repo, 'build', 'quality', key);
  const photosDir = path.join(base, 'photos');
  const captions = path.join(photosDir, 'captions.jsonl');
  if (!fs.existsSync(captions)) {
    fs.rmSync(photosDir, { recursive: true, force: true });
    const r = await writeDemoLibrary(photosDir, { seed: opts.seed, count: opts.count, size: { width: opts.width, height: opts.height }, concurrency: 2 });
    if (!r.ok) throw new Error(`demo library: ${r.error.message}`);
  }
  const photos = fs.readFileSync(captions, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DemoPhoto);
  if (photos.length !== opts.count) throw new Error(`${captions} has ${photos.length} photos, expected ${opts.count}; delete ${base} to regenerate`);
  const byPath = new Map(photos.map((p) => [path.join(photosDir, ...p.file.split('/')), p]));

  const variantsDir = path.join(base, `rerenders-${opts.variants}`);
  const variants = new Map<string, string>();
  fs.mkdirSync(variantsDir, { recursive: true });
  // Every (count/variants)-th photo, so the copies cover all folders and formats.
  const step = Math.max(1, Math.floor(photos.length / opts.variants));
  for (let k = 0; k < opts.variants; k++) {
    const index = k * step;
    const src = photos[index]!;
    const srcPath = path.join(photosDir, ...src.file.split('/'));
    const out = path.join(variantsDir, `rerender-${String(index).padStart(4, '0')}.jpg`);
    if (!fs.existsSync(out)) {
      // captions.jsonl is in index order; the scene of photo i is sampleScene(seed, i).
      const scene = sampleScene(opts.seed, index);
      if (JSON.stringify(sceneAttributes(scene)) !== JSON.stringify(src.scene)) throw new Error(`scene ${index} of seed ${opts.seed} differs from ${src.file} in captions.jsonl (the world changed: delete ${base} to regenerate)`);
      fs.writeFileSync(out, await encodePhoto(scene, { width: Math.round(opts.height * 1.1), height: Math.round(opts.height * 1.1), format: 'jpeg', quality: 70 }));
    }
    variants.set(out, srcPath);
    byPath.set(out, src);
  }
  return { photosDir, variantsDir, photos, byPath, variants };
}

type Group = DemoPhoto['scene']['groups'][number];

/** The group with the large objects (exactly one by construction), else the only group. */
export function largestGroup(p: DemoPhoto): Group {
  return p.scene.groups.find((g) => g.size === 'large') ?? p.scene.groups[0]!;
}

/** Scene content without positions: the multiset of (count, colour, shape, size) groups. */
export function groupSignature(p: DemoPhoto): string {
  return p.scene.groups.map((g) => `${g.count} ${g.size} ${g.colour} ${g.shape}`).sort().join(' + ');
}
