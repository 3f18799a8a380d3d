// Upstream layout → converter. Each turns a downloaded folder into the project's model.json.
import type { Layout } from '../catalog.js';
import type { Converter } from './common.js';
import { convertImmich } from './immich.js';
import { convertTransformersJs } from './transformers-js.js';

export const converters: Record<Layout, Converter> = {
  immich: convertImmich,
  'transformers.js': convertTransformersJs,
};

export { writeManifest, type ConvertOptions, type ConvertHints } from './common.js';
export { convertImmich } from './immich.js';
export { convertTransformersJs } from './transformers-js.js';
