import type { Command } from '../command.js';

// name → lazy loader. One file per command; add a line here when adding a command.
export const commands: Record<string, () => Promise<{ command: Command }>> = {
  index: () => import('./index-cmd.js'),
  search: () => import('./search.js'),
  similar: () => import('./similar.js'),
  tag: () => import('./tag.js'),
  tags: () => import('./tags.js'),
  status: () => import('./status.js'),
  doctor: () => import('./doctor.js'),
  serve: () => import('./serve.js'),
  models: () => import('./models.js'),
  'demo-library': () => import('./demo-library.js'),
  debug: () => import('./debug.js'),
};
