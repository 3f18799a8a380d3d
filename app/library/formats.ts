// Which files the scanner picks up, by extension (case-insensitive). Content decides the real
// format later (a PNG named .jpg indexes as PNG).
import path from 'node:path';

export const IMAGE_EXTENSIONS: Readonly<Record<string, string>> = {
  '.jpg': 'jpeg', '.jpeg': 'jpeg', '.jpe': 'jpeg', '.png': 'png', '.webp': 'webp', '.avif': 'avif',
  '.tif': 'tiff', '.tiff': 'tiff', '.gif': 'gif', '.heic': 'heif', '.heif': 'heif', '.hif': 'heif',
  // Not in the list of supported formats, but common in photo folders: picked up so the user
  // sees "unsupported format: BMP" instead of a silently missing photo.
  '.bmp': 'bmp',
};

export const RAW_EXTENSIONS: ReadonlySet<string> = new Set([
  '.cr2', '.cr3', '.crw', '.nef', '.nrw', '.arw', '.srf', '.sr2', '.dng', '.orf', '.rw2', '.raf', '.pef', '.srw', '.x3f', '.3fr', '.erf', '.kdc', '.mrw', '.iiq', '.rwl',
]);

/** Folders never walked: hidden ones, package caches, NAS and OS metadata, trash. */
const SKIP_DIRS = new Set(['node_modules', '@eadir', '$recycle.bin', 'system volume information', 'lost+found', '#recycle', '#snapshot', '.ds_store']);

export function skipDirectory(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('.') || SKIP_DIRS.has(n) || n.startsWith('.trash');
}

export type FileKind = { kind: 'image'; format: string } | { kind: 'raw'; format: 'raw' } | { kind: 'other' };

export function classifyFile(file: string): FileKind {
  const ext = path.extname(file).toLowerCase();
  const f = IMAGE_EXTENSIONS[ext];
  if (f) return { kind: 'image', format: f };
  if (RAW_EXTENSIONS.has(ext)) return { kind: 'raw', format: 'raw' };
  return { kind: 'other' };
}

export function isHidden(name: string): boolean {
  return name.startsWith('.');
}
