import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_SCHEME_PRIVILEGES,
  appLocation,
  appProtocolHandler,
  contentSecurityPolicy,
  decideNavigation,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  isPermissionAllowed,
  isTrustedSender,
  secureWebPreferences,
} from '../../src/main/security';
import { FakeWebContents, fakeFrame, fakeSession, ipcEvent } from './electron-fakes';

vi.mock('electron', () => ({}));

const rendererDir = path.resolve('/opt/intake/out/renderer');
const appUrl = APP_ENTRY_URL;
const built = appLocation(rendererDir);
const dev = appLocation(rendererDir, 'http://localhost:5173/');

describe('the window is created locked down', () => {
  it('uses context isolation, the sandbox, no Node integration and web security', () => {
    const prefs = secureWebPreferences('/opt/intake/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      preload: '/opt/intake/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('the content security policy allows only the app itself', () => {
  const directives = (csp: string): Map<string, string[]> =>
    new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));

  it('has no remote source, no eval and no inline script in the built app', () => {
    const csp = contentSecurityPolicy();
    for (const [name, sources] of directives(csp)) {
      for (const source of sources) {
        expect(["'self'", "'none'", "'unsafe-inline'", 'data:', 'blob:'], `${name} ${source}`).toContain(source);
      }
    }
    expect(csp).not.toContain('unsafe-eval');
    expect(directives(csp).get('script-src')).toEqual(["'self'"]);
    expect(directives(csp).get('default-src')).toEqual(["'none'"]);
    expect(directives(csp).get('object-src')).toEqual(["'none'"]);
    expect(directives(csp).get('base-uri')).toEqual(["'none'"]);
  });

  it('lets the dev server in only in development, and only the loopback websocket in browser mode', () => {
    const devCsp = contentSecurityPolicy({ devOrigin: 'http://localhost:5173' });
    expect(directives(devCsp).get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    const web = contentSecurityPolicy({ connect: ['ws://127.0.0.1:4000'] });
    expect(directives(web).get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4000']);
    expect(directives(web).get('script-src')).toEqual(["'self'"]);
  });
});

describe('only our own pages count as the app', () => {
  it('recognises app://intake/ and the dev server origin; file:// is no longer ours', () => {
    expect(appUrl).toBe('app://intake/index.html');
    expect(isAppUrl(appUrl, built)).toBe(true);
    expect(isAppUrl(`${appUrl}#/failed`, built)).toBe(true);
    expect(isAppUrl('app://intake/assets/index.js', built)).toBe(true);
    expect(isAppUrl('app://INTAKE/index.html', built)).toBe(true);
    expect(isAppUrl(pathToFileURL(path.join(rendererDir, 'index.html')).href, built)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', built)).toBe(false);
    expect(isAppUrl('app://evil/index.html', built)).toBe(false);
    expect(isAppUrl('app://intake.evil.example/index.html', built)).toBe(false);
    expect(isAppUrl('app://user:pw@intake/index.html', built)).toBe(false);
    expect(isAppUrl('https://intake/index.html', built)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false);
    expect(isAppUrl('app://intake/index.html', dev)).toBe(false);
    expect(isAppUrl('not a url', dev)).toBe(false);
  });
});

describe('the app:// protocol serves the built renderer and nothing else', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'intake-app-protocol-'));
  const renderer = path.join(root, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Intake</title>');
  writeFileSync(path.join(renderer, 'assets', 'index.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'secret.txt'), 'outside the renderer');
  mkdirSync(path.join(root, 'renderer-evil'));
  writeFileSync(path.join(root, 'renderer-evil', 'index.html'), 'a sibling folder with a shared prefix');
  symlinkSync(path.join(root, 'secret.txt'), path.join(renderer, 'assets', 'link.txt'));
  symlinkSync('/etc', path.join(renderer, 'etc'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const csp = contentSecurityPolicy();
  const handle = appProtocolHandler(renderer, csp);
  const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

  it('is registered as a standard, secure scheme without CSP bypass, service workers or CORS', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true });
    for (const risky of ['bypassCSP', 'allowServiceWorkers', 'corsEnabled', 'allowExtensions'] as const) {
      expect(APP_SCHEME_PRIVILEGES.privileges?.[risky] ?? false, risky).toBe(false);
    }
  });

  it('answers the page and its assets with their type, our CSP header and nosniff', async () => {
    const page = await get('app://intake/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Intake</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await get('app://intake/assets/index.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBe(csp);
    const head = await get('app://intake/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('app://intake/')).status).toBe(200);
  });

  it('refuses paths out of the renderer folder, however they are spelled', async () => {
    const attempts = [
      'app://intake/%2e%2e/secret.txt',
      'app://intake/..%2fsecret.txt',
      'app://intake/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'app://intake/assets/..%2f..%2fsecret.txt',
      'app://intake/..%5csecret.txt',
      'app://intake/%2e%2e/renderer-evil/index.html',
      'app://intake/index.html%00.js',
      'app://intake/assets/link.txt',
      'app://intake/etc/passwd',
      'app://intake/%2fetc%2fpasswd',
      'app://intake/missing.js',
    ];
    for (const url of attempts) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      const text = await res.text();
      expect(text, url).not.toContain('outside the renderer');
      expect(text, url).not.toContain('root:');
      expect(text, url).not.toContain('shared prefix');
      expect(res.headers.get('content-security-policy'), url).toBe(csp);
    }
  });

  it('refuses another host, a port, credentials, another scheme and any method but GET/HEAD', async () => {
    for (const url of ['app://evil/index.html', 'app://intake.evil/index.html', 'app://intake:8080/index.html', 'file:///etc/passwd', 'https://intake/index.html']) {
      expect((await get(url)).status, url).toBe(403);
    }
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await get('app://intake/index.html', method);
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
  });
});

describe('navigation and new windows', () => {
  it('decides: our pages load, web links open outside, the rest is refused', () => {
    expect(decideNavigation(appUrl, built)).toBe('allow');
    expect(decideNavigation('https://example.com/help', built)).toBe('open-external');
    expect(decideNavigation('http://localhost:5173/', built)).toBe('open-external');
    expect(decideNavigation('file:///etc/passwd', built)).toBe('deny');
    expect(decideNavigation('javascript:alert(1)', built)).toBe('deny');
    expect(decideNavigation('data:text/html,<script>1</script>', built)).toBe('deny');
  });

  it('prevents navigation to another origin and opens web links in the OS browser', () => {
    const contents = new FakeWebContents(appUrl);
    const openExternal = vi.fn();
    hardenWebContents(contents.asElectron(), built, openExternal);
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://evil.example/');
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-frame-navigate', 'https://evil.example/frame', { isMainFrame: false })).toBe(true);
    expect(openExternal).toHaveBeenCalledTimes(3);
    expect(contents.navigate('will-navigate', appUrl)).toBe(false);
  });

  it('denies window.open, sending http(s) links to the OS browser', () => {
    const contents = new FakeWebContents(appUrl);
    const openExternal = vi.fn();
    hardenWebContents(contents.asElectron(), built, openExternal);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: appUrl })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
    expect(openExternal).toHaveBeenCalledWith('https://example.com/');
  });

  it('refuses to attach a <webview>', () => {
    const contents = new FakeWebContents(appUrl);
    hardenWebContents(contents.asElectron(), built, vi.fn());
    expect(contents.navigate('will-attach-webview', 'https://evil.example/')).toBe(true);
  });
});

describe('permissions', () => {
  it('denies every permission request except copying and notifications for our own page', async () => {
    const fake = fakeSession();
    hardenSession(fake.session, built, contentSecurityPolicy());
    const ask = (permission: string, url: string): Promise<boolean> =>
      new Promise((resolve) => fake.requestHandler?.({}, permission, resolve, { requestingUrl: url }));
    for (const permission of ['media', 'geolocation', 'openExternal', 'fullscreen', 'clipboard-read', 'hid', 'usb', 'unknown']) {
      expect(await ask(permission, appUrl), permission).toBe(false);
    }
    expect(await ask('clipboard-sanitized-write', appUrl)).toBe(true);
    expect(await ask('notifications', appUrl)).toBe(true);
    expect(await ask('notifications', 'https://evil.example/')).toBe(false);
    expect(fake.checkHandler?.({}, 'media', 'file://', { requestingUrl: appUrl })).toBe(false);
    expect(fake.checkHandler?.({}, 'clipboard-sanitized-write', 'https://evil.example', {})).toBe(false);
    expect(isPermissionAllowed('geolocation', appUrl, built)).toBe(false);
  });

  it('puts our CSP on every response, replacing any the response had', () => {
    const fake = fakeSession();
    const csp = contentSecurityPolicy();
    hardenSession(fake.session, built, csp);
    let result: Record<string, string[]> | undefined;
    fake.headersHandler?.({ responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } }, (r) => (result = r.responseHeaders));
    expect(result).toEqual({ 'Content-Security-Policy': [csp], 'X-Content-Type-Options': ['nosniff'], 'X-Other': ['1'] });
  });
});

describe('IPC sender check', () => {
  it('accepts the main frame of our window showing our page', () => {
    const win = new FakeWebContents(appUrl);
    expect(isTrustedSender(ipcEvent(win, win.mainFrame), win.asElectron(), built)).toBe(true);
  });

  it('rejects another web contents, a subframe, a foreign URL, a missing frame or no window', () => {
    const win = new FakeWebContents(appUrl);
    const other = new FakeWebContents(appUrl);
    expect(isTrustedSender(ipcEvent(other, other.mainFrame), win.asElectron(), built)).toBe(false);
    expect(isTrustedSender(ipcEvent(win, fakeFrame(appUrl, win.mainFrame, 2)), win.asElectron(), built)).toBe(false);
    const navigatedAway = new FakeWebContents('https://evil.example/');
    expect(isTrustedSender(ipcEvent(navigatedAway, navigatedAway.mainFrame), navigatedAway.asElectron(), built)).toBe(false);
    expect(isTrustedSender(ipcEvent(win, null), win.asElectron(), built)).toBe(false);
    expect(isTrustedSender(ipcEvent(win, fakeFrame(appUrl, null, 99)), win.asElectron(), built)).toBe(false);
    expect(isTrustedSender(ipcEvent(win, win.mainFrame), null, built)).toBe(false);
    win.destroyed = true;
    expect(isTrustedSender(ipcEvent(win, win.mainFrame), win.asElectron(), built)).toBe(false);
  });
});
