// The few Electron types main/ uses, declared here so main/ typechecks without the `electron`
// package (its binary cannot be installed on every machine; nothing else depends on it). The
// runtime module is loaded with a non-literal import and cast to these shapes.
declare namespace ElectronShim {
  interface Frame { readonly url: string }
  interface IpcMainInvokeEvent { readonly senderFrame: Frame | null; readonly sender: WebContents }
  interface IpcMain {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
    removeHandler(channel: string): void;
  }
  interface WebContents {
    send(channel: string, ...args: unknown[]): void;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
    on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: { preventDefault(): void }, url: string) => void): void;
    readonly session: Session;
  }
  interface Session {
    setPermissionRequestHandler(handler: (wc: WebContents, permission: string, callback: (granted: boolean) => void) => void): void;
    setPermissionCheckHandler(handler: (wc: WebContents | null, permission: string) => boolean): void;
  }
  interface BrowserWindowOptions {
    width?: number; height?: number; minWidth?: number; minHeight?: number; show?: boolean; title?: string; backgroundColor?: string;
    webPreferences: Record<string, unknown>;
  }
  interface BrowserWindow {
    readonly webContents: WebContents;
    loadURL(url: string): Promise<void>;
    once(event: 'ready-to-show', listener: () => void): void;
    show(): void; focus(): void; restore(): void; isMinimized(): boolean;
  }
  interface BrowserWindowStatic {
    new (options: BrowserWindowOptions): BrowserWindow;
    getAllWindows(): BrowserWindow[];
  }
  interface App {
    requestSingleInstanceLock(): boolean;
    whenReady(): Promise<void>;
    on(event: 'second-instance' | 'window-all-closed' | 'activate' | 'before-quit', listener: (...a: unknown[]) => void): void;
    on(event: 'web-contents-created', listener: (e: unknown, wc: WebContents) => void): void;
    quit(): void;
    getPath(name: 'userData' | 'home' | 'pictures'): string;
    getAppPath(): string;
    readonly isPackaged: boolean;
    setAboutPanelOptions?(o: Record<string, string>): void;
  }
  interface ProtocolResponseInit { status?: number; headers?: Record<string, string> }
  interface Protocol {
    registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
    handle(scheme: string, handler: (request: { url: string; method: string }) => Response | Promise<Response>): void;
  }
  interface MenuItemOptions { label?: string; role?: string; type?: 'separator' | 'normal'; accelerator?: string; click?: () => void; submenu?: MenuItemOptions[] }
  interface MenuStatic { buildFromTemplate(t: MenuItemOptions[]): unknown; setApplicationMenu(m: unknown): void }
  interface Dialog { showOpenDialog(w: BrowserWindow, o: { properties: string[]; title?: string }): Promise<{ canceled: boolean; filePaths: string[] }> }
  interface Shell { showItemInFolder(path: string): void }
  interface MessagePortMain { postMessage(message: unknown): void; on(event: 'message', listener: (e: { data: unknown }) => void): void }
  interface UtilityProcess {
    postMessage(message: unknown): void;
    on(event: 'message', listener: (message: unknown) => void): void;
    on(event: 'exit', listener: (code: number) => void): void;
    kill(): boolean;
  }
  interface UtilityProcessStatic { fork(modulePath: string, args?: string[], options?: { serviceName?: string; env?: Record<string, string | undefined>; stdio?: 'inherit' | 'pipe' }): UtilityProcess }
  interface MainModule {
    app: App; BrowserWindow: BrowserWindowStatic; ipcMain: IpcMain; protocol: Protocol; Menu: MenuStatic; dialog: Dialog; shell: Shell; utilityProcess: UtilityProcessStatic;
  }
  interface IpcRenderer {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  }
  interface RendererModule { contextBridge: { exposeInMainWorld(key: string, api: unknown): void }; ipcRenderer: IpcRenderer }
  /** In the utility process: `process.parentPort`. */
  interface ParentPort { postMessage(message: unknown): void; on(event: 'message', listener: (e: { data: unknown }) => void): void }
}
