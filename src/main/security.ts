/**
 * Hardening for the Electron shell, as small pure pieces so tests can check each one with a
 * mocked electron module: web preferences, CSP, which URLs are "ours", navigation, window.open,
 * permissions and the IPC sender check.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isExternalLink } from '../shared/links';
import type { IpcMainInvokeEvent, Session, WebContents, WebPreferences } from 'electron';

/** Where the renderer is loaded from: the built files, or the electron-vite dev server. */
export type AppLocation = { kind: 'file'; rendererDir: string } | { kind: 'dev'; origin: string };

export function appLocation(rendererDir: string, devServerUrl?: string): AppLocation {
  if (devServerUrl) return { kind: 'dev', origin: new URL(devServerUrl).origin };
  return { kind: 'file', rendererDir: path.resolve(rendererDir) };
}

/** True for the app's own pages: a file under out/renderer, or the dev server's origin. */
export function isAppUrl(url: string, loc: AppLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (loc.kind === 'dev') return parsed.origin === loc.origin;
  if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return false;
  let file: string;
  try {
    file = path.resolve(fileURLToPath(parsed));
  } catch {
    return false;
  }
  return file === loc.rendererDir || file.startsWith(loc.rendererDir + path.sep);
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

export interface CspOptions {
  /** electron-vite dev server origin: HMR needs its websocket and React Refresh's inline preamble. */
  devOrigin?: string;
  /** Extra connect-src sources, e.g. the browser-mode websocket origin. */
  connect?: string[];
}

/** Only the app's own files; no remote source of any kind. */
export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const dev = opts.devOrigin ? [opts.devOrigin, opts.devOrigin.replace(/^http/, 'ws')] : [];
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'", ...(opts.devOrigin ? ["'unsafe-inline'"] : [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...(opts.connect ?? []), ...dev],
    'worker-src': ["'self'", 'blob:'],
    'manifest-src': ["'self'"],
    'media-src': ["'none'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'child-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

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
