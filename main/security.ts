// The window's security settings, as pure functions so they are tested without Electron:
// isolated, sandboxed renderer without Node; the app and thumbnails come from two custom
// privileged schemes; navigation, new windows and permission requests are all refused; IPC
// is answered only for frames showing the app.
import { safeJoin } from '../app/server/static-files.js';
import { parsePhotoId } from '../app/thumbnails/photo-id.js';

export const APP_SCHEME = 'shoebox';
export const APP_HOST = 'app';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;
export const THUMB_SCHEME = 'shoebox-thumb';

export function secureWebPreferences(preloadPath: string): Record<string, unknown> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false, // a dropped photo is a search, never a navigation
    safeDialogs: true,
    spellcheck: false,
  };
}

/** Registered before `app.ready`: both schemes behave like https (secure, fetchable). */
export const PRIVILEGED_SCHEMES: { scheme: string; privileges: Record<string, boolean> }[] = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, allowServiceWorkers: false, corsEnabled: false } },
  { scheme: THUMB_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
];

export const ELECTRON_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' ${THUMB_SCHEME}: data: blob:`,
  `connect-src 'self' ${THUMB_SCHEME}:`,
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return !!u && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password && !u.port;
}

/** IPC is answered only for a frame that shows the app itself. */
export function isTrustedSender(frame: { url: string } | null | undefined): boolean {
  return !!frame && isAppUrl(frame.url);
}

/** The app is one page: any navigation away from it is refused. */
export function navigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

export function windowOpenDecision(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}

/** Camera, microphone, notifications, geolocation…: Shoebox needs none. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}

/** The file under the renderer build that an app URL names, or null. */
export function appAssetPath(distDir: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  // URL parsing resolves `..` and `%2e%2e` silently: refuse them on the raw string first.
  if (/(^|\/)(\.|%2e){1,2}(\/|$|\?|#)/i.test(url.slice(`${APP_SCHEME}://${APP_HOST}`.length))) return null;
  const u = new URL(url);
  return safeJoin(distDir, u.pathname === '/' ? '/index.html' : u.pathname);
}

export type ThumbRequest = { kind: 'photo' | 'preview'; rawId: string } | { kind: 'model'; model: string; file: string };

/** `shoebox-thumb://photo/<id>`, `shoebox-thumb://preview/<id>` or `shoebox-thumb://model/<id>/<file>`; anything else is refused. */
export function parseThumbUrl(url: string): ThumbRequest | null {
  const u = parse(url);
  if (!u || u.protocol !== `${THUMB_SCHEME}:` || u.search || u.username || u.port) return null;
  // The raw path, before URL decoding: opaque ids only, encoded dots never become path parts.
  const raw = url.slice(`${THUMB_SCHEME}://`.length + u.host.length);
  if (u.host === 'photo' || u.host === 'preview') {
    const m = /^\/([^/]+)$/.exec(raw);
    return m && parsePhotoId(m[1]!) !== null ? { kind: u.host, rawId: m[1]! } : null;
  }
  if (u.host === 'model') {
    // Downloaded models keep their upstream folders (onnx/text_model.onnx, textual/model.onnx): each
    // segment starts with a letter or digit, and no segment may be '..' (the engine also serves only
    // the files the model's manifest lists).
    const m = /^\/([a-z0-9][a-z0-9._-]*)\/([A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*)$/.exec(raw);
    return m && !m[2]!.split('/').some((seg) => seg.includes('..')) ? { kind: 'model', model: m[1]!, file: m[2]! } : null;
  }
  return null;
}
