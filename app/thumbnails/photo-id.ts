// Thumbnails are addressed by opaque photo ids only. This parser is the first gate: a decimal
// integer without sign, leading zeros, dots, percent-escapes or anything else.
const ID = /^[1-9][0-9]{0,15}$/;

export function parsePhotoId(raw: string): number | null {
  if (!ID.test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}
