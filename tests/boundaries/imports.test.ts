// The layering rules of docs/architecture.md, checked over every source file including Svelte
// components (ESLint covers the .ts files; this also reads the <script> blocks of .svelte files).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

function files(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, exts));
    else if (exts.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)) {
    specs.push((m[1] ?? m[2] ?? m[3])!);
  }
  return specs;
}

const repoPath = (file: string, spec: string): string | null =>
  spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)).split(sep).join('/') : null;

const nodeOnly = /^(node:|fs$|path$|os$|child_process$|worker_threads$|crypto$|http$|https$|net$|sharp$|better-sqlite3$|hnswlib-node$|onnxruntime-node$|chokidar$|exifr$|tsx)/;
const isBrowserSafe = (p: string): boolean => /^app\/api\//.test(p) || /^app\/[a-z-]+\/common\//.test(p) || /^app\/shared\//.test(p);

describe('import boundaries', () => {
  it('app/ never imports Electron, Svelte, the renderer or main', () => {
    const bad: string[] = [];
    for (const f of files(join(root, 'app'), ['.ts'])) {
      for (const s of imports(f)) {
        const p = repoPath(f, s);
        if (/^(electron|svelte)(\/|$)/.test(s) || (p && /^(renderer|main)\//.test(p))) bad.push(`${relative(root, f)} → ${s}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('browser-safe code (common/, api/) imports no Node or native modules and no engine code', () => {
    const bad: string[] = [];
    const safe = files(join(root, 'app'), ['.ts']).filter((f) => isBrowserSafe(relative(root, f).split(sep).join('/')) && !f.endsWith('.test.ts'));
    expect(safe.length).toBeGreaterThan(5);
    for (const f of safe) {
      for (const s of imports(f)) {
        const p = repoPath(f, s);
        if (nodeOnly.test(s) || (p && !isBrowserSafe(p))) bad.push(`${relative(root, f)} → ${s}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the renderer (TypeScript and Svelte) reaches the engine only through app/api and browser-safe code', () => {
    const bad: string[] = [];
    const rendererFiles = files(join(root, 'renderer', 'src'), ['.ts', '.svelte']);
    expect(rendererFiles.some((f) => f.endsWith('.svelte'))).toBe(true);
    for (const f of rendererFiles) {
      for (const s of imports(f)) {
        const p = repoPath(f, s);
        if (nodeOnly.test(s) || /^electron(\/|$)/.test(s)) bad.push(`${relative(root, f)} → ${s}`);
        else if (p && !p.startsWith('renderer/') && !isBrowserSafe(p)) bad.push(`${relative(root, f)} → ${s}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
