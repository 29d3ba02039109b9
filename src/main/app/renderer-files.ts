/**
 * The built renderer's files, served by browser mode over HTTP and by the desktop app over its
 * `app://` protocol: one containment check and one table of content types for both doors.
 */
import fs from 'node:fs';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The Content-Type a renderer file is served with; unknown extensions are opaque bytes. */
export function contentTypeOf(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * A request path → a file inside rendererDir, or null. Refuses encoded traversal, NUL bytes
 * and symlinks that lead outside. With `spaFallback`, paths without an extension fall back to
 * index.html (browser mode's deep links); otherwise only `/` means index.html.
 */
export async function resolveStatic(rendererDir: string, pathname: string, { spaFallback = true } = {}): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const candidate = path.resolve(rendererDir, relative);
  if (candidate !== rendererDir && !candidate.startsWith(rendererDir + path.sep)) return null;
  const inside = async (p: string): Promise<string | null> => {
    try {
      const real = await fs.promises.realpath(p);
      const root = await fs.promises.realpath(rendererDir);
      if (real !== root && !real.startsWith(root + path.sep)) return null;
      return (await fs.promises.stat(real)).isFile() ? real : null;
    } catch {
      return null;
    }
  };
  const found = await inside(candidate);
  if (found) return found;
  if (spaFallback && path.extname(relative) === '') return inside(path.join(rendererDir, 'index.html'));
  return null;
}
