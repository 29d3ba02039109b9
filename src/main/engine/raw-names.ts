import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, sep } from 'node:path';

/**
 * File names that are not valid UTF-8 (Latin-1 names from old zips, SMB shares, old disks).
 * Node turns such a name into a string with U+FFFD, a path that does not exist. Intake keeps
 * the name's bytes (a Buffer path) for every file-system call and shows people the name read
 * as Windows-1252, the code page such names almost always come from.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');

/** The name as text when its bytes are valid UTF-8; null when they are not. */
export function utf8Name(bytes: Buffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * A readable name for bytes that are not UTF-8, unlike every name in `taken` (its siblings), so two
 * files never share a path in the library: "café.txt" for caf\xE9.txt; "caf\xE9.txt" spelt out when
 * a real "café.txt" sits beside it.
 */
export function readableName(bytes: Buffer, taken: ReadonlySet<string>): string {
  const hex = (n: number): string => `\\x${n.toString(16).padStart(2, '0').toUpperCase()}`;
  // Control characters (C0, DEL, and the C1 bytes Windows-1252 leaves unassigned) are spelt out.
  const read = [...cp1252.decode(bytes)].map((c) => (c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f) ? hex(c.charCodeAt(0)) : c)).join('');
  if (!taken.has(read)) return read;
  const spelt = [...bytes].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : hex(b))).join('');
  for (let n = 1; ; n++) {
    const name = n === 1 ? spelt : `${spelt} (${n})`;
    if (!taken.has(name)) return name;
  }
}

/** The bytes of `name` inside the folder whose bytes (or text) are `dir`. */
export function joinRaw(dir: string | Buffer, name: string | Buffer): Buffer {
  const d = typeof dir === 'string' ? Buffer.from(dir) : dir;
  const n = typeof name === 'string' ? Buffer.from(name) : name;
  return d.length && d[d.length - 1] === sep.charCodeAt(0) ? Buffer.concat([d, n]) : Buffer.concat([d, Buffer.from(sep), n]);
}

/**
 * Runs `fn` with a path that is valid UTF-8 and leads to the file whose bytes are `raw`: a link in a
 * private temporary folder, for the extraction process, which is given paths as text. Only the link
 * is created and removed; the user's file is never touched.
 */
export async function withTextPath<T>(raw: Buffer, displayPath: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'intake-name-'));
  try {
    const link = join(dir, `file${extname(displayPath).toLowerCase()}`);
    await symlink(raw, link);
    return await fn(link);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
