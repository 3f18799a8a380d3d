// The last step, on the small resized image only: EXIF orientation, centre crop and the HWC → CHW
// split in one pass. Rotating in libvips before the resize would turn the whole full-size image
// (sharp's rotate + extract costs about twice the decode for a 12 MP photo); orientation and
// resizing commute, so the app resizes the stored pixels and turns the few it keeps.

export interface Raw3 {
  readonly data: Uint8Array; // interleaved RGB, stored orientation
  readonly width: number;
  readonly height: number;
}

export interface Window {
  readonly left: number;
  readonly top: number;
  readonly size: number;
}

/**
 * Where display pixel (dx, dy) lives in the stored image, as `base + dx * stepX + dy * stepY`
 * (pixel indices). EXIF orientation 1–8; anything else is treated as 1.
 */
export function orientationSteps(orientation: number | null, width: number, height: number): { base: number; stepX: number; stepY: number } {
  const w = width;
  const last = (height - 1) * w;
  switch (orientation) {
    case 2: return { base: w - 1, stepX: -1, stepY: w }; // mirrored left-right
    case 3: return { base: last + w - 1, stepX: -1, stepY: -w }; // upside down
    case 4: return { base: last, stepX: 1, stepY: -w }; // mirrored top-bottom
    case 5: return { base: 0, stepX: w, stepY: 1 }; // transposed
    case 6: return { base: last, stepX: -w, stepY: 1 }; // needs 90° clockwise
    case 7: return { base: last + w - 1, stepX: -w, stepY: -1 }; // transverse
    case 8: return { base: w - 1, stepX: w, stepY: -1 }; // needs 90° anticlockwise
    default: return { base: 0, stepX: 1, stepY: w };
  }
}

/** Display-oriented size×size window of `img` as planar CHW uint8. */
export function orientCropChw(img: Raw3, orientation: number | null, win: Window): Uint8Array {
  const { base, stepX, stepY } = orientationSteps(orientation, img.width, img.height);
  const { size } = win;
  const plane = size * size;
  const out = new Uint8Array(plane * 3);
  const src = img.data;
  for (let y = 0; y < size; y++) {
    let p = base + win.left * stepX + (win.top + y) * stepY;
    let o = y * size;
    for (let x = 0; x < size; x++, p += stepX, o++) {
      const i = p * 3;
      out[o] = src[i]!;
      out[plane + o] = src[i + 1]!;
      out[2 * plane + o] = src[i + 2]!;
    }
  }
  return out;
}
