// The Electron main process as it really starts (src/main/index.ts), against a mocked `electron`
// module and the real service on a temp library. test/shell checks each hardening helper on its
// own; this checks that the app actually applies them: the window's webPreferences, the session
// hardened before any page loads, every web contents guarded, IPC behind the sender check, the
// renderer's CSP meta tag, and a clean shutdown.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contract } from '../../src/shared/contract';
import type { FakeSession, FakeWebContents } from '../shell/electron-fakes';
import { waitFor } from './support';

const dataDir = mkdtempSync(path.join(tmpdir(), 'intake-electron-main-'));
const rendererDir = path.resolve(__dirname, '../../src/renderer');
const appUrl = 'app://intake/index.html';

const electron = vi.hoisted(() => ({
  order: [] as string[],
  appHandlers: new Map<string, (...args: unknown[]) => void>(),
  ipc: new Map<string, (event: unknown, input: unknown) => Promise<unknown>>(),
  windows: [] as { options: Record<string, unknown>; loaded: { file?: string; url?: string }; webContents: FakeWebContents }[],
  session: null as FakeSession | null,
  errorBoxes: [] as string[],
  quit: 0,
  privilegedSchemes: [] as { scheme: string; privileges?: Record<string, boolean> }[],
  protocols: new Map<string, (request: Request) => Promise<Response>>(),
}));

vi.mock('electron', async () => {
  const { FakeWebContents, fakeSession } = await import('../shell/electron-fakes');
  const { EventEmitter } = await import('node:events');
  electron.session = fakeSession();
  const harden = electron.session.session as unknown as Record<string, unknown>;
  const setPermissionRequestHandler = harden.setPermissionRequestHandler as (h: unknown) => void;
  harden.setPermissionRequestHandler = (h: unknown) => {
    electron.order.push('session-hardened');
    setPermissionRequestHandler(h);
  };
  const paths = new Map<string, string>([['appData', dataDir]]);
  class BrowserWindow extends EventEmitter {
    static getAllWindows = () => electron.windows;
    webContents: FakeWebContents;
    private record: (typeof electron.windows)[number];
    constructor(options: Record<string, unknown>) {
      super();
      electron.order.push('window-created');
      this.webContents = new FakeWebContents(appUrl);
      this.record = { options, loaded: {}, webContents: this.webContents };
      electron.windows.push(this.record);
    }
    loadFile(file: string) {
      this.record.loaded.file = file;
      return Promise.resolve();
    }
    loadURL(url: string) {
      this.record.loaded.url = url;
      return Promise.resolve();
    }
    maximize() {}
    show() {}
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
    isMaximized() {
      return false;
    }
    isDestroyed() {
      return false;
    }
    getNormalBounds() {
      return { x: 0, y: 0, width: 1200, height: 800 };
    }
  }
  return {
    app: {
      isPackaged: true,
      setName: () => undefined,
      setPath: (name: string, p: string) => paths.set(name, p),
      getPath: (name: string) => paths.get(name) ?? dataDir,
      getAppPath: () => dataDir,
      getVersion: () => '0.0.0-test',
      requestSingleInstanceLock: () => true,
      on: (event: string, fn: (...args: unknown[]) => void) => electron.appHandlers.set(event, fn),
      whenReady: () => Promise.resolve(),
      isReady: () => true,
      quit: () => void electron.quit++,
      exit: (code: number) => electron.errorBoxes.push(`exit ${code}`),
    },
    BrowserWindow,
    dialog: {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showErrorBox: (title: string, message: string) => electron.errorBoxes.push(`${title}: ${message}`),
    },
    Menu: { setApplicationMenu: () => undefined, buildFromTemplate: (t: unknown) => t },
    nativeTheme: { shouldUseDarkColors: false },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: { defaultSession: electron.session.session },
    protocol: {
      registerSchemesAsPrivileged: (schemes: (typeof electron.privilegedSchemes)[number][]) => {
        electron.order.push('schemes-privileged');
        electron.privilegedSchemes.push(...schemes);
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
        electron.order.push(`protocol-${scheme}`);
        electron.protocols.set(scheme, handler);
      },
    },
    shell: { openExternal: vi.fn(async () => undefined), showItemInFolder: vi.fn() },
    utilityProcess: { fork: vi.fn() },
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, input: unknown) => Promise<unknown>) => electron.ipc.set(channel, fn),
      removeHandler: (channel: string) => electron.ipc.delete(channel),
    },
    safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text' },
  };
});

const savedDataDir = process.env.INTAKE_DATA_DIR;
const savedDb = process.env.INTAKE_DB;

beforeAll(async () => {
  process.env.INTAKE_DATA_DIR = dataDir;
  delete process.env.INTAKE_DB;
  await import('../../src/main/index');
  expect(await waitFor(() => electron.windows.length > 0 || electron.errorBoxes.length > 0, 30_000)).toBe(true);
  expect(electron.errorBoxes).toEqual([]);
}, 60_000);

afterAll(async () => {
  // Quitting closes the service (and its database) before the app exits.
  const willQuit = electron.appHandlers.get('will-quit');
  let prevented = false;
  willQuit?.({ preventDefault: () => (prevented = true) });
  expect(prevented).toBe(true);
  await waitFor(() => electron.quit > 0, 10_000);
  expect(electron.quit).toBeGreaterThan(0);
  if (savedDataDir === undefined) delete process.env.INTAKE_DATA_DIR;
  else process.env.INTAKE_DATA_DIR = savedDataDir;
  if (savedDb !== undefined) process.env.INTAKE_DB = savedDb;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the Electron main process applies its hardening', () => {
  it('creates the one window locked down: context isolation, sandbox, no Node, web security, no webview', () => {
    expect(electron.windows).toHaveLength(1);
    const prefs = electron.windows[0].options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(String(prefs.preload)).toMatch(/preload[/\\]index\.cjs$/);
  });

  it('loads app://intake/, never file:// or a remote URL, and hardens the session before the window exists', () => {
    const { loaded } = electron.windows[0];
    expect(loaded.file).toBeUndefined();
    expect(loaded.url).toBe('app://intake/index.html');
    expect(electron.order.indexOf('session-hardened')).toBeGreaterThanOrEqual(0);
    expect(electron.order.indexOf('session-hardened')).toBeLessThan(electron.order.indexOf('window-created'));
    // The scheme is privileged at start-up (Electron refuses it after `ready`) and handled before the window loads.
    expect(electron.order[0]).toBe('schemes-privileged');
    expect(electron.privilegedSchemes).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(electron.privilegedSchemes[0].privileges?.bypassCSP ?? false).toBe(false);
    expect(electron.order.indexOf('protocol-app')).toBeLessThan(electron.order.indexOf('window-created'));
  });

  it('serves the renderer over app:// with the CSP header, and nothing outside its folder', async () => {
    const handle = electron.protocols.get('app')!;
    const page = await handle(new Request('app://intake/index.html'));
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(readFileSync(path.join(rendererDir, 'index.html'), 'utf8'));
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    for (const url of ['app://intake/%2e%2e/main/index.ts', 'app://intake/..%2f..%2fpackage.json', 'app://intake/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
      const res = await handle(new Request(url));
      expect(res.status, url).toBe(404);
      expect(res.headers.get('content-security-policy'), url).toBe(csp);
    }
    expect((await handle(new Request('app://elsewhere/index.html'))).status).toBe(403);
    expect((await handle(new Request('app://intake/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('denies permission requests and puts the CSP on every response of the session', async () => {
    const s = electron.session!;
    const ask = (permission: string): Promise<boolean> => new Promise((resolve) => s.requestHandler?.({}, permission, resolve, { requestingUrl: appUrl }));
    for (const p of ['media', 'geolocation', 'midi', 'pointerLock', 'openExternal', 'display-capture']) expect(await ask(p), p).toBe(false);
    let headers: Record<string, string[]> | undefined;
    s.headersHandler?.({ responseHeaders: { 'Content-Security-Policy': ["default-src *; script-src 'unsafe-eval'"] } }, (r) => (headers = r.responseHeaders));
    expect(headers?.['Content-Security-Policy']?.[0]).toMatch(/default-src 'none'/);
    expect(headers?.['Content-Security-Policy']?.[0]).not.toContain('unsafe-eval');
  });

  it('guards every web contents the app creates: navigation, window.open and <webview> are refused', async () => {
    const { FakeWebContents } = await import('../shell/electron-fakes');
    const created = electron.appHandlers.get('web-contents-created');
    expect(created).toBeDefined();
    const contents = new FakeWebContents(appUrl);
    created!({}, contents);
    expect(contents.navigate('will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-attach-webview', 'https://evil.example/')).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: appUrl })).toEqual({ action: 'deny' });
    const { shell } = await import('electron');
    expect(shell.openExternal).toHaveBeenCalledWith('https://evil.example/phish');
    expect(shell.openExternal).not.toHaveBeenCalledWith('file:///etc/passwd');
  });

  it('answers IPC from its window with the real service, and refuses every channel to any other sender', async () => {
    const { FakeWebContents, fakeFrame, ipcEvent } = await import('../shell/electron-fakes');
    expect([...electron.ipc.keys()].sort()).toEqual(Object.keys(contract).map((c) => `intake:${c}`).sort());
    const win = electron.windows[0].webContents;
    const info = await electron.ipc.get('intake:app.info')!(ipcEvent(win, win.mainFrame), {});
    expect(info).toMatchObject({ ok: true, value: { mode: 'electron', dataDir } });

    const stranger = new FakeWebContents(appUrl);
    const senders = [
      ['another window', ipcEvent(stranger, stranger.mainFrame)],
      ['a subframe of the window', ipcEvent(win, fakeFrame(appUrl, win.mainFrame, 7))],
      ['the window showing another site', ipcEvent(win, fakeFrame('https://evil.example/', null, win.mainFrame.frameTreeNodeId))],
      ['no frame', ipcEvent(win, null)],
    ] as const;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const [name, event] of senders) {
      for (const channel of Object.keys(contract)) {
        const result = await electron.ipc.get(`intake:${channel}`)!(event, {});
        expect(result, `${channel} from ${name}`).toEqual({ ok: false, error: { code: 'forbidden', message: 'IPC from an unexpected sender' } });
      }
    }
    warn.mockRestore();
    // Nothing reached the service: no run, no settings written.
    const runs = await electron.ipc.get('intake:runs.list')!(ipcEvent(win, win.mainFrame), {});
    expect(runs).toEqual({ ok: true, value: [] });
  });

  it('the renderer page carries a strict CSP of its own: no remote sources, no eval, no plugins', () => {
    const html = readFileSync(path.join(rendererDir, 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    expect(meta).not.toBeNull();
    const directives = new Map(meta![1].split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...src]) => [name, src]));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    for (const [name, sources] of directives) {
      for (const src of sources) {
        expect(src, `${name} ${src}`).not.toMatch(/unsafe-eval|^\*$|^https?:$|^https:\/\/|^http:\/\/(?!127\.0\.0\.1)/);
      }
    }
  });
});
