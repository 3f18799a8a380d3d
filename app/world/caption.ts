// Captions: varied templates and synonyms over a scene's attributes. Every full caption names each
// group's count, size, colour, shape and position (or its relation to the other group) and the
// background, so a caption identifies its scene among many; word order and synonyms vary.
import { rngFor, type Rng } from './prng.js';
import { largestGroup, STREAM, type Scene, type SceneGroup } from './scene.js';
import {
  BACKGROUND_PHRASES,
  CAPTION_PREFIXES,
  COUNT_WORDS,
  GROUP_JOINERS,
  MAX_CAPTION_WORDS,
  phraseWords,
  POSITION_CELL,
  POSITION_PHRASES,
  PROMPT_TEMPLATES,
  RELATION_PHRASES,
  SHAPE_PLURAL,
  SIZE_WORDS,
  type Relation,
} from './vocabulary.js';

/** "two small red circles", "a big blue star". */
export function groupPhrase(g: SceneGroup, rng: Rng): string {
  const shape = g.count === 1 ? g.shape : SHAPE_PLURAL[g.shape];
  return `${rng.pick(COUNT_WORDS[g.count])} ${rng.pick(SIZE_WORDS[g.size])} ${g.colour} ${shape}`;
}

/** Where `a` is relative to `b`, when they share a row or a column; null for diagonal layouts. */
export function relationOf(a: SceneGroup, b: SceneGroup): Relation | null {
  const [ca, ra] = POSITION_CELL[a.position];
  const [cb, rb] = POSITION_CELL[b.position];
  if (ca === cb && ra !== rb) return ra < rb ? 'above' : 'below';
  if (ra === rb && ca !== cb) return ca < cb ? 'left-of' : 'right-of';
  return null;
}

function joinList(parts: string[], rng: Rng): string {
  if (parts.length === 1) return parts[0] as string;
  if (parts.length === 2) return `${parts[0]} ${rng.pick(GROUP_JOINERS)} ${parts[1]}`;
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** One full caption of a scene, drawn with `rng`; at most MAX_CAPTION_WORDS words. */
export function captionWith(scene: Scene, rng: Rng): string {
  for (let tries = 0; tries < 20; tries++) {
    const text = draftCaption(scene, rng);
    if (phraseWords(text).length <= MAX_CAPTION_WORDS) return text;
  }
  return compactCaption(scene);
}

const shortest = (phrases: readonly string[]): string => phrases.reduce((a, b) => (phraseWords(b).length < phraseWords(a).length ? b : a));

/** The shortest full caption: largest group first, shortest synonyms, no prefix. */
export function compactCaption(scene: Scene): string {
  const largest = largestGroup(scene);
  const ordered = [largest, ...scene.groups.filter((g) => g !== largest)];
  const parts = ordered.map((g) => `${g.count === 1 ? 'a' : COUNT_WORDS[g.count][0]} ${g.size} ${g.colour} ${g.count === 1 ? g.shape : SHAPE_PLURAL[g.shape]} ${shortest(POSITION_PHRASES[g.position])}`);
  const body = parts.length === 3 ? `${parts[0]}, ${parts[1]} and ${parts[2]}` : parts.join(' and ');
  return `${body} ${shortest(BACKGROUND_PHRASES[scene.background])}`;
}

function draftCaption(scene: Scene, rng: Rng): string {
  const largest = largestGroup(scene);
  const ordered = rng.chance(0.6) ? [largest, ...scene.groups.filter((g) => g !== largest)] : rng.shuffle(scene.groups);
  const bg = rng.pick(BACKGROUND_PHRASES[scene.background]);
  const prefix = rng.pick(CAPTION_PREFIXES);

  let body: string;
  const [a, b] = ordered;
  const relation = ordered.length === 2 && a && b ? relationOf(a, b) : null;
  if (relation && rng.chance(0.4)) {
    body = `${groupPhrase(a as SceneGroup, rng)} ${rng.pick(RELATION_PHRASES[relation])} ${groupPhrase(b as SceneGroup, rng)}`;
  } else {
    const parts = ordered.map((g) => {
      const np = groupPhrase(g, rng);
      const pos = rng.pick(POSITION_PHRASES[g.position]);
      // Position first reads naturally only for a caption's first group.
      return g === ordered[0] && !prefix && rng.chance(0.25) ? `${pos}, ${np}` : `${np} ${pos}`;
    });
    body = joinList(parts, rng);
  }

  if (!prefix && rng.chance(0.3)) return `${bg}, ${body}`;
  const text = `${prefix ? `${prefix} ` : ''}${body}${rng.chance(0.5) ? ',' : ''} ${bg}`;
  return text;
}

/**
 * A partial caption of the largest group — colour and shape with no other group, the shape alone,
 * the colour alone, or a zero-shot prompt form — so that the text encoder also learns what
 * "a star" or "a red shape" mean on their own (zero-shot prompts are built that way).
 */
export function partialCaptionWith(scene: Scene, rng: Rng): string {
  const g = largestGroup(scene);
  const shapeWord = g.count === 1 ? g.shape : SHAPE_PLURAL[g.shape];
  const count = rng.pick(COUNT_WORDS[g.count]);
  const lead = rng.chance(0.5) ? `${rng.pick(['a photo of', 'a picture of', 'an image of'])} ` : '';
  const where = (): string => {
    const u = rng.next();
    if (u < 0.25) return ` ${rng.pick(POSITION_PHRASES[g.position])}`;
    if (u < 0.5) return ` ${rng.pick(BACKGROUND_PHRASES[scene.background])}`;
    return '';
  };
  const u = rng.next();
  if (u < 0.2) return `${lead}${count} ${rng.pick(SIZE_WORDS[g.size])} ${g.colour} ${shapeWord}${where()}`;
  if (u < 0.5) return `${lead}${count} ${shapeWord}${where()}`;
  if (u < 0.8) {
    if (rng.chance(0.7)) return `${lead}a ${g.colour} ${rng.pick(['shape', 'object'])}${where()}`;
    return `${lead}something ${g.colour}`;
  }
  return rng.chance(0.5) ? rng.pick(PROMPT_TEMPLATES.shape).replace('{}', g.shape) : rng.pick(PROMPT_TEMPLATES.colour).replace('{}', g.colour);
}

export interface CaptionOptions {
  /** Probability that a caption after the first is an attribute-only caption of the largest object (default 0). */
  partial?: number;
  /** Probability that a caption after the first names a group of several objects alone (default 0; scenes with one). */
  groupPartial?: number;
}

/**
 * One group of several objects alone: "two small red circles", "three blue stars on the left".
 * Partial captions of the largest object never show a small group by itself, yet that is how people
 * search. Only plural groups get one: a singular "a star" keeps meaning the scene's main object (what
 * zero-shot prompts ask; captions of single small objects cost zero-shot shape 0.82 → 0.62, see the
 * model card), and plural shape words are tokens of their own. Scenes without one: any group.
 */
export function groupCaptionWith(scene: Scene, rng: Rng): string {
  const plural = scene.groups.filter((x) => x.count > 1);
  const g = rng.pick(plural.length > 0 ? plural : scene.groups);
  const shapeWord = g.count === 1 ? g.shape : SHAPE_PLURAL[g.shape];
  const size = g !== largestGroup(scene) || rng.chance(0.5) ? `${rng.pick(SIZE_WORDS[g.size])} ` : '';
  const where = rng.chance(0.3) ? ` ${rng.pick(POSITION_PHRASES[g.position])}` : '';
  return `${rng.pick(COUNT_WORDS[g.count])} ${size}${g.colour} ${shapeWord}${where}`;
}

/** What a caption describes: the whole scene, attributes of the largest group, or one group alone. */
export type CaptionKind = 'full' | 'partial' | 'group';

/**
 * `k` captions of a scene, distinct where the templates allow; caption 0 is always a full caption.
 * Deterministic from the scene's seed and index.
 */
export function captionScene(scene: Scene, k: number, opts: CaptionOptions = {}): string[] {
  return captionSceneWithKinds(scene, k, opts).map((c) => c.text);
}

/** captionScene with each caption's kind (training samples group captions on their own). */
export function captionSceneWithKinds(scene: Scene, k: number, opts: CaptionOptions = {}): Array<{ text: string; kind: CaptionKind }> {
  const rng = rngFor(scene.seed, scene.index, STREAM.caption);
  const out: Array<{ text: string; kind: CaptionKind }> = [];
  for (let i = 0; i < k; i++) {
    const group = i > 0 && (opts.groupPartial ?? 0) > 0 && rng.chance(opts.groupPartial ?? 0) && scene.groups.some((g) => g.count > 1);
    const partial = !group && i > 0 && (opts.partial ?? 0) > 0 && rng.chance(opts.partial ?? 0);
    const make = (): string => (group ? groupCaptionWith(scene, rng) : partial ? partialCaptionWith(scene, rng) : captionWith(scene, rng));
    let text = make();
    for (let tries = 0; tries < 10 && out.some((c) => c.text === text); tries++) text = make();
    out.push({ text, kind: group ? 'group' : partial ? 'partial' : 'full' });
  }
  return out;
}
