/**
 * Hardening for the Electron shell, as small pure pieces so tests can check each one with a
 * mocked electron module: the app:// protocol that serves the renderer, web preferences, CSP,
 * which URLs are "ours", navigation, window.open, permissions and the IPC sender check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isExternalLink } from '../shared/links';
import { contentTypeOf, resolveStatic } from './app/renderer-files';
import type { CustomScheme, IpcMainInvokeEvent, Session, WebContents, WebPreferences } from 'electron';

/**
 * The built renderer is served as `app://intake/…`, not `file://`: a page of its own origin
 * that can read no other file on the disk, with our CSP as a response header.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'intake';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Registered before `ready`. Standard + secure: the page gets a real origin for 'self',
 * sessionStorage and fetch, as on https. No CSP bypass, no service workers, no CORS.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Where the renderer is loaded from: the built files over app://, or the electron-vite dev server. */
export type AppLocation = { kind: 'app'; rendererDir: string } | { kind: 'dev'; origin: string };

export function appLocation(rendererDir: string, devServerUrl?: string): AppLocation {
  if (devServerUrl) return { kind: 'dev', origin: new URL(devServerUrl).origin };
  return { kind: 'app', rendererDir: path.resolve(rendererDir) };
}

/** True for the app's own pages: app://intake/…, or the dev server's origin. */
export function isAppUrl(url: string, loc: AppLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (loc.kind === 'dev') return parsed.origin === loc.origin;
  // Node gives non-special schemes an opaque origin ("null"): compare the parts instead.
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host.toLowerCase() === APP_HOST && parsed.username === '' && parsed.password === '';
}

/** Headers every app:// answer carries: the CSP travels with the page, not only in its meta tag. */
function appHeaders(csp: string, contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

/**
 * protocol.handle's handler for app://: only GET/HEAD, only the `intake` host, only files inside
 * rendererDir (encoded `..`, NUL, backslashes and symlinks leading out are refused).
 */
export function appProtocolHandler(rendererDir: string, csp: string): (request: Request) => Promise<Response> {
  const root = path.resolve(rendererDir);
  const refuse = (status: number, text: string, extra: Record<string, string> = {}): Response =>
    new Response(`${status} ${text}\n`, { status, headers: { ...appHeaders(csp, 'text/plain; charset=utf-8'), ...extra } });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed', { Allow: 'GET, HEAD' });
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refuse(400, 'Bad URL');
    }
    if (!isAppUrl(url.href, { kind: 'app', rendererDir: root }) || url.port !== '') return refuse(403, 'Forbidden');
    const file = await resolveStatic(root, url.pathname, { spaFallback: false });
    if (!file) return refuse(404, 'Not found');
    const body = request.method === 'HEAD' ? null : await fs.promises.readFile(file);
    return new Response(body, { status: 200, headers: appHeaders(csp, contentTypeOf(file)) });
  };
}

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

// The policy itself is shared with browser mode's web server and the renderer's build.
export { contentSecurityPolicy, type CspOptions } from '../shared/csp';

export type NavigationDecision = 'allow' | 'open-external' | 'deny';

/** Our own pages may load in place; web links go to the OS browser; everything else is refused. */
export function decideNavigation(url: string, loc: AppLocation): NavigationDecision {
  if (isAppUrl(url, loc)) return 'allow';
  return isExternalLink(url) ? 'open-external' : 'deny';
}

/** Copying an error and the end-of-run notification are the only things our own page may do. */
const PERMISSIONS_FOR_APP = new Set(['clipboard-sanitized-write', 'notifications']);

export function isPermissionAllowed(permission: string, requestingUrl: string, loc: AppLocation): boolean {
  return PERMISSIONS_FOR_APP.has(permission) && isAppUrl(requestingUrl, loc);
}

type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

/** IPC must come from the main frame of our window, showing our own page. */
export function isTrustedSender(event: SenderEvent, expected: WebContents | null | undefined, loc: AppLocation): boolean {
  if (!expected || expected.isDestroyed() || event.sender !== expected) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (frame !== expected.mainFrame && frame.frameTreeNodeId !== expected.mainFrame.frameTreeNodeId) return false;
  return isAppUrl(frame.url, loc);
}

type OpenExternal = (url: string) => Promise<void> | void;

/** Navigation, window.open and <webview> rules for any web contents we create. */
export function hardenWebContents(contents: WebContents, loc: AppLocation, openExternal: OpenExternal): void {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    const decision = decideNavigation(url, loc);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') void Promise.resolve(openExternal(url)).catch(() => undefined);
  };
  contents.on('will-navigate', (event) => guard(event, event.url));
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) guard(event, event.url);
  });
  contents.on('will-redirect', (event) => guard(event, event.url));
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void Promise.resolve(openExternal(url)).catch(() => undefined);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Permission requests and checks, plus the CSP header on every response the session sees. */
export function hardenSession(ses: Session, loc: AppLocation, csp: string): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? '', loc));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    return isPermissionAllowed(permission, details.requestingUrl ?? requestingOrigin, loc);
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    }
    headers['Content-Security-Policy'] = [csp];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
}
