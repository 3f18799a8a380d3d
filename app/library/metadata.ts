// EXIF facts the catalog keeps: capture time, camera, orientation. A malformed EXIF block is
// not an error: the photo still indexes, with the mtime as its date.
import exifr from 'exifr';

export interface ExifFacts {
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  orientation: number | null;
}

const EMPTY: ExifFacts = { takenAt: null, cameraMake: null, cameraModel: null, orientation: null };
const clean = (s: unknown): string | null => (typeof s === 'string' && s.trim() ? s.replace(/\0/g, '').trim() : null);

export async function readExif(file: string): Promise<ExifFacts> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = (await exifr.parse(file, { pick: ['DateTimeOriginal', 'CreateDate', 'Make', 'Model', 'Orientation'], translateValues: false, reviveValues: true })) as Record<string, unknown> | undefined;
  } catch {
    return EMPTY;
  }
  if (!raw) return EMPTY;
  const date = raw.DateTimeOriginal ?? raw.CreateDate;
  const takenAt = date instanceof Date && !Number.isNaN(date.getTime()) && date.getUTCFullYear() > 1900 ? date.toISOString() : null;
  const o = raw.Orientation;
  return {
    takenAt,
    cameraMake: clean(raw.Make),
    cameraModel: clean(raw.Model),
    // Only 1–8 are orientations; anything else (0, 9, garbage) means "as stored".
    orientation: typeof o === 'number' && Number.isInteger(o) && o >= 1 && o <= 8 ? o : null,
  };
}
