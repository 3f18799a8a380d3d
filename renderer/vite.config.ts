// The renderer build: Svelte 5, output in renderer/dist with relative URLs so the same build is
// served by the web server and loaded by Electron. `shoebox serve` serves it; for UI work,
// `vite --config renderer/vite.config.ts` proxies the API to a running `shoebox serve --port 5174`.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// (No node:url here: lint keeps Node APIs out of renderer/; a file: URL's pathname is enough.)
const here = (p: string) => decodeURIComponent(new URL(p, import.meta.url).pathname);
const root = here('.');
const api = process.env.SHOEBOX_DEV_API ?? 'http://127.0.0.1:5174';

export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
  server: {
    fs: { allow: [here('..')] },
    proxy: Object.fromEntries(['/api', '/thumb', '/preview', '/model'].map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
