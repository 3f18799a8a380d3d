// Electron main: thin glue. One window on the app scheme, the engine in a utility process,
// IPC per API method with sender checks, thumbnails over a privileged custom protocol. The
// security settings themselves are in ./security.ts (pure, tested).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IPC_EVENT_CHANNEL, IPC_PICK_FOLDER, IPC_REVEAL } from '../app/api/transport/ipc.js';
import { contentType } from '../app/server/static-files.js';
import { defaultLibraryDir } from '../app/library/paths.js';
import { createHostClient, type HostChannel } from './host-client.js';
import { registerApiHandlers, trusted } from './ipc-handlers.js';
import {
  APP_SCHEME, APP_URL, ELECTRON_CSP, PRIVILEGED_SCHEMES, THUMB_SCHEME, appAssetPath, navigationAllowed, parseThumbUrl, permissionAllowed, secureWebPreferences, windowOpenDecision,
} from './security.js';

const ELECTRON = 'electron'; // a variable specifier: main/ typechecks without the electron package
const { app, BrowserWindow, ipcMain, protocol, Menu, dialog, shell, utilityProcess } = (await import(ELECTRON)) as ElectronShim.MainModule;

// Bundled next to this file by main/build.mjs; the app root holds renderer/dist and models/.
const here = import.meta.dirname;
const root = app.getAppPath();
const unpacked = (p: string) => (app.isPackaged ? p.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1') : p);
const distDir = join(root, 'renderer', 'dist');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);
  let win: ElectronShim.BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  // Every web contents, present and future: no navigation, no new windows, no webviews.
  app.on('web-contents-created', (_e, wc) => {
    wc.on('will-navigate', (ev, url) => { if (!navigationAllowed(url)) ev.preventDefault(); });
    wc.on('will-redirect', (ev, url) => { if (!navigationAllowed(url)) ev.preventDefault(); });
    wc.on('will-attach-webview', (ev) => ev.preventDefault());
    wc.setWindowOpenHandler(({ url }) => windowOpenDecision(url));
  });
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();

  const libraryDir = defaultLibraryDir(process.env, {});
  const child = utilityProcess.fork(join(here, 'engine-host.js'), [], {
    serviceName: 'Shoebox engine',
    env: {
      ...process.env,
      SHOEBOX_LIBRARY_DIR: libraryDir,
      SHOEBOX_BUNDLED_MODEL_DIR: unpacked(join(root, 'models', 'demo')),
      ...(process.env.SHOEBOX_MODEL ? { SHOEBOX_MODEL_DIR: process.env.SHOEBOX_MODEL } : {}),
    },
  });
  const host = createHostClient(child as unknown as HostChannel);

  protocol.handle(APP_SCHEME, async (req) => {
    const file = appAssetPath(distDir, req.url);
    if (!file) return new Response('not found', { status: 404 });
    try {
      const headers: Record<string, string> = { 'content-type': contentType(file) };
      if (file.endsWith('.html')) headers['content-security-policy'] = ELECTRON_CSP;
      return new Response(new Uint8Array(await readFile(file)), { headers });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
  protocol.handle(THUMB_SCHEME, async (req) => {
    const r = parseThumbUrl(req.url);
    if (!r) return new Response('bad request', { status: 400 });
    const got = await host.bytes(r.kind !== 'model' ? { type: 'thumb', rawId: r.rawId, preview: r.kind === 'preview' } : { type: 'model-file', model: r.model, file: r.file });
    return got.bytes ? new Response(new Uint8Array(got.bytes), { headers: { 'content-type': got.contentType } }) : new Response('not found', { status: got.status });
  });

  registerApiHandlers(ipcMain, host.api);
  ipcMain.handle(IPC_PICK_FOLDER, trusted(async () => {
    if (!win) return null;
    const r = await dialog.showOpenDialog(win, { properties: ['openDirectory'], title: 'Add a folder of photos' });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  }));
  ipcMain.handle(IPC_REVEAL, trusted(async (_e, id) => {
    const r = await host.api.showInFolder({ id: id as number });
    if (r.ok) shell.showItemInFolder(r.value.path);
    return r;
  }));
  host.api.subscribe((event) => win?.webContents.send(IPC_EVENT_CHANNEL, event));

  Menu.setApplicationMenu(Menu.buildFromTemplate([
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' }] : []),
    { label: 'File', submenu: [{ role: process.platform === 'darwin' ? 'close' : 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { role: 'windowMenu' },
  ]));

  win = new BrowserWindow({
    width: 1280, height: 820, minWidth: 720, minHeight: 480, show: false, title: 'Shoebox', backgroundColor: '#131417',
    webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
  });
  win.webContents.session.setPermissionRequestHandler((_wc, permission, cb) => cb(permissionAllowed(permission)));
  win.webContents.session.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));
  win.once('ready-to-show', () => win?.show());
  const hostError = await host.ready;
  // The window still opens: the page shows the engine's error from its first status() call.
  if (hostError) console.error(`Shoebox engine: ${hostError}`);
  await win.loadURL(APP_URL);
  app.on('before-quit', () => child.kill());
}
