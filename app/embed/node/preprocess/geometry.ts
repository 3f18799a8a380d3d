// Where the resize lands and which square is kept, computed exactly as torchvision does it so
// that the crop window is the same pixel-for-pixel (sharp's own `fit` modes round differently).

export type ResizeMode = 'shortest' | 'squash';

export interface GeometryPlan {
  /** Size of the whole image after the resize, before the crop. */
  readonly resizedWidth: number;
  readonly resizedHeight: number;
  /** The size×size window kept from the resized image. */
  readonly left: number;
  readonly top: number;
  readonly size: number;
}

/** Python's round(): halves go to the even neighbour (56.5 → 56, 57.5 → 58). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * torchvision 0.14 `Resize(size)` + `CenterCrop(size)` for 'shortest' (the longer side is
 * truncated: int(size * long / short), so 4032×3024 → 298×224), or `Resize((size, size))` for 'squash'.
 */
export function planGeometry(width: number, height: number, size: number, mode: ResizeMode): GeometryPlan {
  if (mode === 'squash') return { resizedWidth: size, resizedHeight: size, left: 0, top: 0, size };
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const newLong = Math.max(size, Math.trunc((size * long) / short));
  const resizedWidth = width <= height ? size : newLong;
  const resizedHeight = width <= height ? newLong : size;
  return {
    resizedWidth,
    resizedHeight,
    left: roundHalfEven((resizedWidth - size) / 2),
    top: roundHalfEven((resizedHeight - size) / 2),
    size,
  };
}

/**
 * Beyond this, 'shortest' would build an enormous intermediate image (a 100000×1 strip of a few
 * KB would become 22400000×224) to keep a 224-px square of it; such files are not photos.
 */
export const MAX_ASPECT_RATIO = 100;

export function tooElongated(width: number, height: number, mode: ResizeMode): boolean {
  return mode === 'shortest' && Math.max(width, height) > MAX_ASPECT_RATIO * Math.min(width, height);
}

/** Width and height as displayed, after EXIF orientation 5–8 swaps the axes. */
export function displaySize(width: number, height: number, orientation: number | null): { width: number; height: number } {
  return orientation !== null && orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
}
