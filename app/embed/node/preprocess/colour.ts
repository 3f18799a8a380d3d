// Colour conversions done by hand because sharp would do them differently from the reference:
// libvips converts CMYK through an ICC profile, Pillow (and so every CLIP reference pipeline)
// uses a plain formula without colour management.

/**
 * Interleaved 8-bit CMYK → RGB exactly as Pillow's `convert('RGB')` (Convert.c cmyk2rgb):
 * R = (255 - K) - round(C * (255 - K) / 255), with Pillow's integer MULDIV255 rounding.
 */
export function cmykToRgb(cmyk: Uint8Array, pixels: number): Buffer {
  const out = Buffer.allocUnsafe(pixels * 3);
  for (let i = 0, j = 0, o = 0; i < pixels; i++, j += 4, o += 3) {
    const nk = 255 - cmyk[j + 3]!;
    out[o] = nk - muldiv255(cmyk[j]!, nk);
    out[o + 1] = nk - muldiv255(cmyk[j + 1]!, nk);
    out[o + 2] = nk - muldiv255(cmyk[j + 2]!, nk);
  }
  return out;
}

function muldiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}
