// A ThumbnailSource over LibraryApi: the photo's path from `photo`, the roots from `status`.
// Roots are cached briefly (a page of thumbnails would otherwise ask for them 60 times) and
// dropped whenever the engine says the roots changed.
import type { LibraryApi } from '../api/contract.js';
import { appError, err, ok, type Result } from '../shared/result.js';
import type { ThumbnailSource } from './thumbnailer.js';

export function thumbnailSourceFromApi(api: LibraryApi, rootsTtlMs = 5000): ThumbnailSource & { dispose(): void } {
  let roots: { at: number; paths: string[] } | null = null;
  const unsubscribe = api.subscribe((e) => {
    if (e.type === 'library-changed' && e.reason === 'roots') roots = null;
  });
  async function currentRoots(): Promise<Result<string[]>> {
    if (roots && Date.now() - roots.at < rootsTtlMs) return ok(roots.paths);
    const status = await api.status({});
    if (!status.ok) return err(appError('internal', status.error.message));
    roots = { at: Date.now(), paths: status.value.roots.map((r) => r.path) };
    return ok(roots.paths);
  }
  return {
    async locate(id) {
      const photo = await api.photo({ id });
      if (!photo.ok) return err(appError(photo.error.code === 'not-found' ? 'not-found' : 'internal', photo.error.message));
      const r = await currentRoots();
      if (!r.ok) return r;
      return ok({ path: photo.value.path, roots: r.value });
    },
    dispose: unsubscribe,
  };
}
