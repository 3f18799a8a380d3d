// The scene world's vocabulary: the one source of truth for what a scene can contain and the words
// its captions and zero-shot prompts use. Role train builds the demo model's tokenizer.json from
// `worldVocabulary()` (via `shoebox debug world-vocab`), so every word a caption can contain is here.

export const COLOURS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown', 'white', 'black'] as const;
export type Colour = (typeof COLOURS)[number];

/** Base fills, chosen far apart in hue/lightness so they survive JPEG and a 64 px resize. */
export const COLOUR_HEX: Record<Colour, string> = {
  red: '#e02424',
  orange: '#ff8a14',
  yellow: '#ffe11a',
  green: '#1fa33a',
  blue: '#1f4ee0',
  purple: '#8a2be2',
  pink: '#ff6fb8',
  brown: '#7a4a1e',
  white: '#fbfbfb',
  black: '#141414',
};

export const SHAPES = ['circle', 'square', 'triangle', 'star', 'heart', 'cross', 'diamond', 'hexagon'] as const;
export type Shape = (typeof SHAPES)[number];

export const SHAPE_PLURAL: Record<Shape, string> = {
  circle: 'circles',
  square: 'squares',
  triangle: 'triangles',
  star: 'stars',
  heart: 'hearts',
  cross: 'crosses',
  diamond: 'diamonds',
  hexagon: 'hexagons',
};

export const BACKGROUNDS = ['sky', 'grass', 'sand', 'water', 'night', 'snow', 'grey', 'sunset'] as const;
export type Background = (typeof BACKGROUNDS)[number];

/** Object colours that would blend into a background; never sampled on it. */
export const BACKGROUND_EXCLUDES: Record<Background, readonly Colour[]> = {
  sky: ['white'], // clouds are white
  grass: ['green'],
  sand: ['yellow'],
  water: ['blue'],
  night: ['black', 'blue'],
  snow: ['white'],
  grey: [],
  sunset: ['orange', 'pink'],
};

export const SIZES = ['small', 'large'] as const;
export type Size = (typeof SIZES)[number];

/** Diameter as a fraction of the central square's side (before a little jitter). */
export const SIZE_FRACTION: Record<Size, readonly [number, number]> = {
  small: [0.15, 0.18],
  large: [0.3, 0.34],
};

export const POSITIONS = ['top-left', 'top', 'top-right', 'left', 'centre', 'right', 'bottom-left', 'bottom', 'bottom-right'] as const;
export type Position = (typeof POSITIONS)[number];

/** Grid cell of each position: column and row in 0..2. */
export const POSITION_CELL: Record<Position, readonly [number, number]> = {
  'top-left': [0, 0],
  top: [1, 0],
  'top-right': [2, 0],
  left: [0, 1],
  centre: [1, 1],
  right: [2, 1],
  'bottom-left': [0, 2],
  bottom: [1, 2],
  'bottom-right': [2, 2],
};

/**
 * Colour–shape combinations that never occur in training data (`--split train`) but do in
 * evaluation scenes (`--split heldout`): they measure compositional generalisation. Each colour
 * and each shape appears at most once, so every colour and shape is still seen in training.
 */
export const HELDOUT_COMBOS: ReadonlyArray<readonly [Colour, Shape]> = [
  ['red', 'star'],
  ['blue', 'heart'],
  ['green', 'hexagon'],
  ['yellow', 'cross'],
  ['purple', 'triangle'],
  ['orange', 'diamond'],
];

export function isHeldout(colour: Colour, shape: Shape): boolean {
  return HELDOUT_COMBOS.some(([c, s]) => c === colour && s === shape);
}

// ---- caption phrase tables (synonyms); the canonical colour and shape names are always used ----

export const COUNT_WORDS: Record<1 | 2 | 3, readonly string[]> = { 1: ['a', 'a', 'a', 'one'], 2: ['two'], 3: ['three'] };

/**
 * Longest caption, in words and punctuation marks: the demo model's context is 32 tokens with
 * start and end markers, and its tokenizer has one token per vocabulary word.
 */
export const MAX_CAPTION_WORDS = 30;

export const SIZE_WORDS: Record<Size, readonly string[]> = { small: ['small', 'little'], large: ['large', 'big'] };

export const POSITION_PHRASES: Record<Position, readonly string[]> = {
  'top-left': ['in the top left', 'at the top left', 'in the upper left', 'in the top left corner'],
  top: ['at the top', 'near the top', 'in the top middle'],
  'top-right': ['in the top right', 'at the top right', 'in the upper right', 'in the top right corner'],
  left: ['on the left', 'on the left side', 'at the left'],
  centre: ['in the centre', 'in the middle', 'at the centre', 'in the center'],
  right: ['on the right', 'on the right side', 'at the right'],
  'bottom-left': ['in the bottom left', 'at the bottom left', 'in the lower left', 'in the bottom left corner'],
  bottom: ['at the bottom', 'near the bottom', 'in the bottom middle'],
  'bottom-right': ['in the bottom right', 'at the bottom right', 'in the lower right', 'in the bottom right corner'],
};

/** Background phrases never use colour names of objects or relation words (above/below/left/right). */
export const BACKGROUND_PHRASES: Record<Background, readonly string[]> = {
  sky: ['in the sky', 'against the sky', 'against a clear sky', 'with a cloudy sky', 'on a sky background'],
  grass: ['on grass', 'on the grass', 'on a lawn', 'in a grassy field', 'over grass'],
  sand: ['on sand', 'on the sand', 'on the beach', 'on a sandy beach', 'over sand'],
  water: ['on water', 'on the water', 'over the sea', 'on the sea', 'over water'],
  night: ['at night', 'in the night sky', 'against a dark sky', 'with a night sky', 'on a starry night'],
  snow: ['on snow', 'in the snow', 'on a snowy field', 'over snow'],
  grey: ['on a grey background', 'on a plain grey background', 'against a grey wall', 'on grey'],
  sunset: ['at sunset', 'against a sunset', 'with a sunset sky', 'in the sunset'],
};

export type Relation = 'above' | 'below' | 'left-of' | 'right-of';
export const RELATION_PHRASES: Record<Relation, readonly string[]> = {
  above: ['above'],
  below: ['below', 'under', 'beneath'],
  'left-of': ['to the left of', 'left of'],
  'right-of': ['to the right of', 'right of'],
};

export const CAPTION_PREFIXES: readonly string[] = ['', '', '', 'a photo of', 'a picture of', 'an image of', 'a snapshot of'];
export const GROUP_JOINERS: readonly string[] = ['and', 'and', 'with'];

/** Zero-shot prompt templates; `{}` is the canonical colour or shape name. */
export const PROMPT_TEMPLATES = {
  colour: ['a photo of a {} shape', 'a {} shape', 'a photo of a {} object', 'a picture of something {}'],
  shape: ['a photo of a {}', 'a {}', 'a picture of a {}', 'a photo of a {} shape'],
} as const;

/** Extra words partial (attribute-only) captions use. */
export const PARTIAL_WORDS: readonly string[] = ['photo', 'picture', 'image', 'of', 'a', 'an', 'shape', 'object', 'something'];

export const PUNCTUATION: readonly string[] = [','];

/** The words of a phrase, as the captions use them (lowercase, punctuation split off). */
export function phraseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/([,.:;!?])/g, ' $1 ')
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

export interface WorldVocabulary {
  words: string[];
  colours: string[];
  shapes: string[];
  backgrounds: string[];
  sizes: string[];
  positions: string[];
  heldout: Array<[string, string]>;
  templates: { colour: string[]; shape: string[] };
}

/** Everything captions and prompts can contain, sorted; the contract with role train's tokenizer builder. */
export function worldVocabulary(): WorldVocabulary {
  const words = new Set<string>(PUNCTUATION);
  const add = (text: string): void => {
    for (const w of phraseWords(text.replace('{}', ' '))) words.add(w);
  };
  [...COLOURS, ...SHAPES, ...Object.values(SHAPE_PLURAL), 'an'].forEach(add);
  Object.values(COUNT_WORDS).flat().forEach(add);
  Object.values(SIZE_WORDS).flat().forEach(add);
  Object.values(POSITION_PHRASES).flat().forEach(add);
  Object.values(BACKGROUND_PHRASES).flat().forEach(add);
  Object.values(RELATION_PHRASES).flat().forEach(add);
  [...CAPTION_PREFIXES, ...GROUP_JOINERS, ...PARTIAL_WORDS].forEach(add);
  [...PROMPT_TEMPLATES.colour, ...PROMPT_TEMPLATES.shape].forEach(add);
  return {
    words: [...words].sort(),
    colours: [...COLOURS],
    shapes: [...SHAPES],
    backgrounds: [...BACKGROUNDS],
    sizes: [...SIZES],
    positions: [...POSITIONS],
    heldout: HELDOUT_COMBOS.map(([c, s]) => [c, s] as [string, string]),
    templates: { colour: [...PROMPT_TEMPLATES.colour], shape: [...PROMPT_TEMPLATES.shape] },
  };
}
