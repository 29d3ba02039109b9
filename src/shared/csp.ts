/** The renderer's Content-Security-Policy: one policy for Electron's session header, browser mode's server and the built HTML. */

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
