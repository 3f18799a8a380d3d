// Lint = correctness rules from typescript-eslint plus the import boundaries that keep the
// layering honest (see docs/architecture.md, "Boundaries"):
//   app/            never imports electron, svelte, renderer/ or main/
//   app/**/common/  and app/api/ are browser-safe: no Node built-ins, no native modules,
//                   no engine code outside common/ and api/
//   renderer/       reaches the engine only through app/api/ and app/**/common/
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeOnly = [
  'node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'https', 'net', 'url', 'stream', 'util', 'events', 'zlib',
  'sharp', 'better-sqlite3', 'hnswlib-node', 'onnxruntime-node', 'chokidar', 'exifr', 'tsx', 'tsx/*',
];
const uiOrShell = ['electron', 'electron/*', 'svelte', 'svelte/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'renderer/dist/', 'main/dist/', 'test-results/', 'bench/results/', '**/*.svelte', 'models/training/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [{ group: uiOrShell, message: 'app/ is the engine: no Electron or Svelte.' }] }],
    },
  },
  {
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: uiOrShell, message: 'app/ is the engine: no Electron or Svelte.' },
          { group: ['**/renderer/**', '**/main/**'], message: 'app/ must not depend on the shells.' },
        ],
      }],
    },
  },
  {
    files: ['app/**/common/**/*.ts', 'app/api/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...nodeOnly, ...uiOrShell], message: 'common/ and api/ code runs in the browser too: no Node built-ins or native modules.' },
          { regex: '^\\.\\./(?!common/|\\.\\./).*|^(\\.\\./)+(library|indexer|vectors|search|tagging|models|server|cli|world)/(?!common/)', message: 'browser-safe code may only import other browser-safe code (common/, api/).' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...nodeOnly, 'electron', 'electron/*'], message: 'the renderer runs in a browser: no Node APIs.' },
          { regex: '^(\\.\\./)+app/(?!api/|[a-z]+/common/)', message: 'the renderer reaches the engine only through app/api (LibraryApi) and browser-safe app/**/common code.' },
        ],
      }],
    },
  },
);
