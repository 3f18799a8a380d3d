// Scene sampling: (seed, index, split) → one scene, independent of every other index, so that
// data can be generated in any order or in parallel and still be byte-identical.
import { rngFor, type Rng } from './prng.js';
import {
  BACKGROUND_EXCLUDES,
  BACKGROUNDS,
  COLOURS,
  isHeldout,
  POSITION_CELL,
  POSITIONS,
  SHAPES,
  SIZE_FRACTION,
  type Background,
  type Colour,
  type Position,
  type Shape,
  type Size,
} from './vocabulary.js';

/** One drawn object, in the central square's unit coordinates (0..1, y down). */
export interface SceneObject {
  x: number;
  y: number;
  /** Diameter of the object's bounding circle, as a fraction of the square's side. */
  size: number;
  /** Degrees; small, so a square never turns into a diamond. */
  rotation: number;
}

/** Objects that share count, colour, shape, size and position: "two small red circles on the left". */
export interface SceneGroup {
  count: 1 | 2 | 3;
  colour: Colour;
  shape: Shape;
  size: Size;
  position: Position;
  objects: SceneObject[];
}

export interface Scene {
  seed: number;
  index: number;
  background: Background;
  groups: SceneGroup[];
  /** Seed for the background's texture and lighting (clouds, stars, waves…). */
  styleSeed: number;
  /** True when a group has a held-out colour–shape combination. */
  heldout: boolean;
}

export type Split = 'train' | 'heldout' | 'all';
export const SPLITS: readonly Split[] = ['train', 'heldout', 'all'];

/** Streams of the per-index generator, so captions can change without changing scenes. */
export const STREAM = { scene: 1, caption: 2, render: 3, photo: 4, twin: 5 } as const;

// Keeps objects, their outline and their offset shadow inside the square.
const MARGIN = 0.04;
const GAP = 0.03;

/** The group with the largest objects; unique by construction (exactly one group has the largest size). */
export function largestGroup(scene: Scene): SceneGroup {
  const large = scene.groups.find((g) => g.size === 'large');
  return large ?? (scene.groups[0] as SceneGroup);
}

function cellCentre(pos: Position): [number, number] {
  const [c, r] = POSITION_CELL[pos];
  return [0.2 + 0.3 * c, 0.2 + 0.3 * r];
}

/** Unit offsets (in object diameters) of the objects of a group around its centre. */
function clusterOffsets(count: 1 | 2 | 3, rng: Rng): Array<[number, number]> {
  if (count === 1) return [[0, 0]];
  const d = 1.2;
  if (count === 2) {
    const layout = rng.int(3);
    if (layout === 0) return [[-d / 2, 0], [d / 2, 0]];
    if (layout === 1) return [[0, -d / 2], [0, d / 2]];
    const s = rng.chance(0.5) ? 1 : -1;
    return [[-d / 2.6, (-s * d) / 2.6], [d / 2.6, (s * d) / 2.6]];
  }
  const h = d * 0.87;
  return rng.chance(0.5)
    ? [[-d / 2, h / 3], [d / 2, h / 3], [0, (-2 * h) / 3]]
    : [[-d / 2, -h / 3], [d / 2, -h / 3], [0, (2 * h) / 3]];
}

function placeGroup(count: 1 | 2 | 3, size: Size, pos: Position, rng: Rng): SceneObject[] {
  const [lo, hi] = SIZE_FRACTION[size];
  const diameter = rng.range(lo, hi);
  const [cx0, cy0] = cellCentre(pos);
  const cx = cx0 + rng.range(-0.04, 0.04);
  const cy = cy0 + rng.range(-0.04, 0.04);
  const offsets = clusterOffsets(count, rng);
  const objects = offsets.map(([dx, dy]) => ({ x: cx + dx * diameter, y: cy + dy * diameter, size: diameter * rng.range(0.96, 1.04), rotation: rng.range(-10, 10) }));
  // Shift the cluster inside the square (margin) without changing its shape.
  const r = Math.max(...objects.map((o) => o.size / 2));
  const minX = Math.min(...objects.map((o) => o.x)) - r;
  const maxX = Math.max(...objects.map((o) => o.x)) + r;
  const minY = Math.min(...objects.map((o) => o.y)) - r;
  const maxY = Math.max(...objects.map((o) => o.y)) + r;
  const sx = minX < MARGIN ? MARGIN - minX : maxX > 1 - MARGIN ? 1 - MARGIN - maxX : 0;
  const sy = minY < MARGIN ? MARGIN - minY : maxY > 1 - MARGIN ? 1 - MARGIN - maxY : 0;
  return objects.map((o) => ({ ...o, x: o.x + sx, y: o.y + sy }));
}

function overlaps(a: SceneObject[], b: SceneObject[]): boolean {
  return a.some((p) => b.some((q) => Math.hypot(p.x - q.x, p.y - q.y) < p.size / 2 + q.size / 2 + GAP));
}

interface GroupPlan {
  count: 1 | 2 | 3;
  size: Size;
}

/** Group structure: 1–3 objects in all; exactly one group is the largest. Large objects come alone. */
function planGroups(rng: Rng): GroupPlan[] {
  const u = rng.next();
  if (u < 0.22) return [{ count: 1, size: rng.chance(0.5) ? 'large' : 'small' }];
  if (u < 0.3) return [{ count: 2, size: 'small' }];
  if (u < 0.36) return [{ count: 3, size: 'small' }];
  if (u < 0.62) return [{ count: 1, size: 'large' }, { count: 1, size: 'small' }];
  if (u < 0.78) return [{ count: 1, size: 'large' }, { count: 2, size: 'small' }];
  return [{ count: 1, size: 'large' }, { count: 1, size: 'small' }, { count: 1, size: 'small' }];
}

function sampleOnce(seed: number, index: number, rng: Rng): Scene | null {
  const background = rng.pick(BACKGROUNDS);
  const colours = COLOURS.filter((c) => !BACKGROUND_EXCLUDES[background].includes(c));
  const plans = planGroups(rng);
  const used = new Set<string>();
  const groups: SceneGroup[] = [];
  for (const plan of plans) {
    let colour: Colour;
    let shape: Shape;
    // Distinct colour–shape pairs per scene, so "the red star" always means one group.
    do {
      colour = rng.pick(colours);
      shape = rng.pick(SHAPES);
    } while (used.has(`${colour}/${shape}`));
    used.add(`${colour}/${shape}`);
    let placed: SceneGroup | null = null;
    for (let attempt = 0; attempt < 30 && !placed; attempt++) {
      const taken = new Set(groups.map((g) => g.position));
      const position = rng.pick(POSITIONS.filter((p) => !taken.has(p)));
      const objects = placeGroup(plan.count, plan.size, position, rng);
      if (groups.every((g) => !overlaps(g.objects, objects))) placed = { count: plan.count, colour, shape, size: plan.size, position, objects };
    }
    if (!placed) return null;
    groups.push(placed);
  }
  return { seed, index, background, groups, styleSeed: rng.int(0x7fffffff), heldout: groups.some((g) => isHeldout(g.colour, g.shape)) };
}

/**
 * Scene number `index` of `seed`. `train` scenes never contain a held-out colour–shape pair,
 * `heldout` scenes always contain one (same distribution otherwise, by rejection), `all` is unfiltered.
 */
export function sampleScene(seed: number, index: number, split: Split = 'all'): Scene {
  const rng = rngFor(seed, index, STREAM.scene);
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const scene = sampleOnce(seed, index, rng);
    if (!scene) continue;
    if (split === 'train' && scene.heldout) continue;
    if (split === 'heldout' && !scene.heldout) continue;
    return scene;
  }
  throw new Error(`could not sample scene ${index} of seed ${seed} for split ${split}`);
}

/** The attributes of a scene as plain JSON (what captions.jsonl and meta.jsonl carry). */
export function sceneAttributes(scene: Scene): {
  background: Background;
  groups: Array<{ count: number; colour: Colour; shape: Shape; size: Size; position: Position; objects: SceneObject[] }>;
} {
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    background: scene.background,
    groups: scene.groups.map((g) => ({
      count: g.count,
      colour: g.colour,
      shape: g.shape,
      size: g.size,
      position: g.position,
      objects: g.objects.map((o) => ({ x: round(o.x), y: round(o.y), size: round(o.size), rotation: round(o.rotation) })),
    })),
  };
}

/**
 * Shapes a small model confuses most (measured: circle↔hexagon is half of all zero-shot shape
 * misses, then cross→star, diamond→triangle, square→heart); a twin's new shape is one of these half the time.
 */
const LOOKALIKE: Record<Shape, readonly Shape[]> = {
  circle: ['hexagon'],
  hexagon: ['circle'],
  cross: ['star'],
  star: ['cross'],
  diamond: ['triangle'],
  triangle: ['diamond'],
  square: ['heart', 'hexagon'],
  heart: ['square', 'circle'],
};

/**
 * The same scene with one group's shape changed — same background, places, sizes, rotations and
 * texture, so the two renders differ in that shape alone (a minimal pair: in one batch, the captions
 * that name the shape can only be told apart by seeing it). By default the largest group, because the
 * short captions name it (every twin on a random group measured worse: MODEL_CARD.md, run r1); a
 * smaller group's twin differs in the full captions only. Keeps the scene's rules: colour–shape pairs
 * stay distinct, and a scene without a held-out combination does not gain one. Null when no shape fits.
 */
export function twinScene(scene: Scene, rng: Rng, group: SceneGroup = largestGroup(scene)): Scene | null {
  const ok = (shape: Shape): boolean =>
    shape !== group.shape &&
    !scene.groups.some((g) => g !== group && g.colour === group.colour && g.shape === shape) &&
    (scene.heldout || !isHeldout(group.colour, shape));
  const near = LOOKALIKE[group.shape].filter(ok);
  const any = SHAPES.filter(ok);
  if (any.length === 0) return null;
  const shape = near.length > 0 && rng.chance(0.5) ? rng.pick(near) : rng.pick(any);
  const groups = scene.groups.map((g) => (g === group ? { ...g, shape } : g));
  return { ...scene, groups, heldout: groups.some((g) => isHeldout(g.colour, g.shape)) };
}
