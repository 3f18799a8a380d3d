// Serves the renderer build (renderer/dist) and the few other file trees the page needs. Paths
// are matched against what exists under the folder, never joined blindly from the URL.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

export const contentType = (file: string): string => TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

/** Maps a URL path under `dir` to a file, refusing anything that would leave `dir`. */
export function safeJoin(dir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) return null;
  const full = normalize(join(dir, ...parts));
  const root = normalize(dir.endsWith(sep) ? dir : dir + sep);
  return full.startsWith(root) || full === normalize(dir) ? full : null;
}

export async function readStatic(dir: string, urlPath: string): Promise<{ bytes: Buffer; type: string } | null> {
  const file = safeJoin(dir, urlPath);
  if (!file) return null;
  try {
    const st = await stat(file);
    if (!st.isFile()) return null;
    return { bytes: await readFile(file), type: contentType(file) };
  } catch {
    return null;
  }
}
