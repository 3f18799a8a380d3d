// Engine tests: a model loader that counts image encodes per model id (so a test can tell what was
// re-encoded) and may hold an encode mid-way (so a test can act while a switch is in progress).
import { loadModel } from '../../embed/node/model-load.js';
import { ok, type Result } from '../../shared/result.js';
import type { EngineModel } from '../context.js';

export function countingLoader(
  counts: () => Record<string, number>,
  beforeEncode?: (modelId: string) => Promise<void> | void,
): (dir: string) => Promise<Result<EngineModel>> {
  return async (dir) => {
    const m = await loadModel(dir, { threads: 1, providers: ['cpu'], verifyCachePath: null });
    if (!m.ok) return m;
    const base = m.value;
    const id = base.manifest.id;
    return ok({
      ...base,
      image: {
        encode: async (px: Float32Array, n: number) => {
          await beforeEncode?.(id);
          const c = counts();
          c[id] = (c[id] ?? 0) + n;
          return base.image.encode(px, n);
        },
      },
      close: () => base.close(),
    });
  };
}
