/**
 * Electron main: app lifecycle, the one window, its hardening, the menu, and the service
 * (engine + database) wired to the renderer through ipc.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, Menu, nativeTheme, Notification, protocol, screen, session, shell, utilityProcess, type MenuItemConstructorOptions } from 'electron';
import type { SpawnChild } from './extract';
import { registerIpc } from './ipc';
import { desktopSecretBox } from './secrets';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appLocation,
  appProtocolHandler,
  contentSecurityPolicy,
  hardenSession,
  hardenWebContents,
  secureWebPreferences,
} from './security';
import { ApiError } from '../shared/errors';
import { isExternalLink } from '../shared/links';
import { createIntakeService } from './app/service';
import { libraryFile } from './app/paths';
import type { IntakeService, Platform } from './app/service-api';
import { loadWindowState, saveWindowState } from './window-state';

const APP_NAME = 'Intake';
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const isDev = devServerUrl !== undefined;
const here = import.meta.dirname;
const rendererDir = path.join(here, '../renderer');
const preloadPath = path.join(here, '../preload/index.cjs');
const location = appLocation(rendererDir, devServerUrl);

// Must happen before `ready`: the built renderer is served as app://intake/, never file://.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

// Same folder as browser mode's default (~/.config/Intake on Linux); INTAKE_DATA_DIR moves it (tests).
app.setName(APP_NAME);
app.setPath('userData', process.env.INTAKE_DATA_DIR ? path.resolve(process.env.INTAKE_DATA_DIR) : path.join(app.getPath('appData'), APP_NAME));

// better-sqlite3 built for Electron's ABI by `npm start` (scripts/rebuild-native.mjs); tests keep the Node build.
const electronBinding = path.join(app.getAppPath(), '.electron-native', 'better_sqlite3.node');
if (!process.env.INTAKE_SQLITE_BINDING && fs.existsSync(electronBinding)) process.env.INTAKE_SQLITE_BINDING = electronBinding;

let mainWindow: BrowserWindow | null = null;
let service: IntakeService | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, location, (url) => shell.openExternal(url)));
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed || !service) return;
    event.preventDefault();
    closed = true;
    void service.close().finally(() => app.quit());
  });
  app.whenReady().then(start, (err: unknown) => fail(err));
}

async function start(): Promise<void> {
  try {
    const csp = contentSecurityPolicy({ devOrigin: devServerUrl ? new URL(devServerUrl).origin : undefined });
    hardenSession(session.defaultSession, location, csp);
    if (!isDev) protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir, csp));
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));
    const dataDir = app.getPath('userData');
    service = await createIntakeService({
      dbPath: libraryFile({ dataDir }),
      dataDir,
      platform: desktopPlatform(dataDir),
      version: app.getVersion(),
      engine: { extractorOptions: { spawn: utilitySpawn, workerEntry: path.join(here, 'extract-worker.js') } },
    });
    registerIpc({ service, getContents: () => mainWindow?.webContents ?? null, location });
    service.on('watch.notice', showWatchNotice);
    createWindow();
  } catch (err) {
    fail(err);
  }
}

/** "3 new documents, 1 failed" from watched folders (the service spaces them a minute apart); a click shows the window. */
function showWatchNotice(n: { text: string; failed: number }): void {
  try {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title: 'Intake', body: n.text, silent: n.failed === 0 });
    note.on('click', () => {
      if (!mainWindow) return;
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show();
      mainWindow.focus();
    });
    note.show();
  } catch {
    // A desktop without a notification service: the Watched folders screen still has the counts.
  }
}

function desktopPlatform(dataDir: string): Platform {
  return {
    mode: 'electron',
    async chooseFolder() {
      const options: Electron.OpenDialogOptions = { title: 'Choose a folder to ingest', properties: ['openDirectory'] };
      // Looked up at call time so the Electron e2e can replace dialog.showOpenDialog.
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async showInFolder(filePath) {
      shell.showItemInFolder(filePath);
    },
    async openPath(filePath) {
      const error = await shell.openPath(filePath);
      if (error) throw new ApiError('fs_error', `Could not open "${filePath}": ${error}`);
    },
    async openExternal(url) {
      if (!isExternalLink(url)) throw new ApiError('invalid_input', 'Only http(s) and mailto links can be opened');
      await shell.openExternal(url);
    },
    secrets: desktopSecretBox(dataDir),
  };
}

/** PDF parsing and OCR run in Electron utility processes, one file's crash touching only that file. */
const utilitySpawn: SpawnChild = (entry, { args, execArgv, env }) => {
  const child = utilityProcess.fork(entry, args, { execArgv, env, stdio: ['ignore', 'inherit', 'pipe'], serviceName: 'Intake extractor' });
  let exited = false;
  child.on('exit', () => (exited = true));
  return {
    get pid() {
      return child.pid;
    },
    send: (msg) => {
      if (!exited) child.postMessage(msg);
    },
    kill: () => {
      if (!exited) child.kill();
    },
    onMessage: (fn) => child.on('message', fn),
    onExit: (fn) => child.on('exit', (code) => fn(code, null)),
    stderr: child.stderr,
  };
};

function createWindow(): void {
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const state = loadWindowState(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    width: state.width,
    height: state.height,
    x: state.x,
    y: state.y,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: APP_NAME,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181c' : '#ffffff',
    webPreferences: secureWebPreferences(preloadPath),
  });
  mainWindow = win;
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  let saveTimer: NodeJS.Timeout | undefined;
  const save = (): void => {
    if (win.isDestroyed()) return;
    const bounds = win.getNormalBounds();
    saveWindowState(stateFile, { ...bounds, maximized: win.isMaximized() });
  };
  const saveSoon = (): void => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 500);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('close', () => {
    clearTimeout(saveTimer);
    save();
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });

  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadURL(APP_ENTRY_URL);
}

function menuTemplate(): MenuItemConstructorOptions[] {
  const isMac = process.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    ...(isDev ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(isMac ? ([{ role: 'appMenu' }] as MenuItemConstructorOptions[]) : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error('[intake] startup failed:', err);
  dialog.showErrorBox('Intake could not start', message);
  app.exit(1);
}
