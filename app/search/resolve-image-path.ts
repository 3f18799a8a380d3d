// The CLI's resolver for query terms that name image files (`shoebox search "beach.jpg" - people`).
import fs from 'node:fs';
import path from 'node:path';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.heic', '.heif', '.bmp']);

/** Absolute path when `text` (relative to `cwd`) is an existing image file, else null — then it is text. */
export function imagePathResolver(cwd: string): (text: string) => string | null {
  return (text) => {
    if (!IMAGE_EXT.has(path.extname(text).toLowerCase())) return null;
    const abs = path.resolve(cwd, text);
    try {
      return fs.statSync(abs).isFile() ? abs : null;
    } catch {
      return null;
    }
  };
}
