/**
 * Browser mode's inbox: files dropped on the page are written here, then ingested like any folder.
 * Each upload is all or nothing (a staging folder of its own, renamed into place when every file
 * is in), its names are checked, its size is checked against the cap from the sizes it announces
 * before any content is read, and its content is written as it arrives — never held in memory.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { ApiError } from '../../shared/errors';
import type { InboxEntry } from '../../shared/inbox-upload';

/** Dropped uploads saved at once, and the inbox's size: one tab cannot fill the disk. */
export const INBOX_CONCURRENT_UPLOADS = 2;
export const INBOX_MAX_BYTES = 2 * 1024 ** 3;

export interface InboxOptions {
  dir: string;
  maxBytes?: number;
  /** Files already ingested leave the inbox (their text is in the library). */
  isIngested(path: string): boolean;
}

export interface Inbox {
  /** Saves `entries`, their bytes read one after another from `content`, into a new folder of the inbox. */
  save(entries: InboxEntry[], content: AsyncIterable<Uint8Array>): Promise<{ folder: string; files: number }>;
}

export function createInbox(opts: InboxOptions): Inbox {
  const cap = opts.maxBytes ?? INBOX_MAX_BYTES;
  let busy = 0;
  const stagingInUse = new Set<string>();

  /** Ingested files go, empty folders and abandoned staging go too; failed files stay (they may be reprocessed). */
  const clean = async (): Promise<void> => {
    const walk = async (dir: string): Promise<boolean> => {
      let empty = true;
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (stagingInUse.has(p) || !(await walk(p))) empty = false;
          else await rm(p, { recursive: true, force: true });
        } else if (entry.name.startsWith('.staging-') || !opts.isIngested(p)) {
          empty = false;
        } else {
          await rm(p, { force: true });
        }
      }
      return empty;
    };
    for (const entry of await readdir(opts.dir, { withFileTypes: true }).catch(() => [])) {
      const p = join(opts.dir, entry.name);
      if (entry.isDirectory() && entry.name.startsWith('.staging-') && !stagingInUse.has(p)) await rm(p, { recursive: true, force: true });
    }
    await walk(opts.dir);
  };

  return {
    async save(entries, content) {
      const rels = entries.map((f) => inboxRelativePath(f.relativePath));
      if (new Set(rels.map((r) => r.toLowerCase())).size !== rels.length) throw new ApiError('invalid_input', 'Two dropped files have the same name in the same folder.');
      if (busy >= INBOX_CONCURRENT_UPLOADS) throw new ApiError('busy', 'Other dropped files are being saved; try again when they are in.');
      busy++;
      let staging: string | null = null;
      const source = new ExactReader(content);
      try {
        await mkdir(opts.dir, { recursive: true, mode: 0o700 });
        await clean();
        const incoming = entries.reduce((n, f) => n + f.size, 0);
        const held = await folderBytes(opts.dir);
        if (held + incoming > cap) {
          throw new ApiError('inbox_full', `The inbox holds ${formatMb(held)} of files not yet ingested; ${formatMb(incoming)} more would pass its ${formatMb(cap)} limit. Ingest or reset what is there first.`);
        }
        // A staging folder of its own (hidden from scans), renamed into place only when every file is in.
        // Its name is claimed before the folder exists: another upload's clean() lists the inbox
        // meanwhile, and must never take a folder still being made for an abandoned one (it did:
        // mkdtemp's folder could be on disk, and listed, before this upload had recorded it).
        staging = join(opts.dir, `.staging-${randomBytes(6).toString('hex')}`);
        stagingInUse.add(staging);
        await mkdir(staging, { mode: 0o700 });
        for (let i = 0; i < entries.length; i++) {
          const target = join(staging, rels[i]);
          await mkdir(dirname(target), { recursive: true, mode: 0o700 });
          const file = await open(target, 'wx', 0o600);
          try {
            await source.copy(entries[i].size, async (chunk) => {
              for (let at = 0; at < chunk.length; ) at += (await file.write(chunk, at)).bytesWritten;
            });
          } finally {
            await file.close();
          }
        }
        if (!(await source.atEnd())) throw new ApiError('invalid_input', 'The upload holds more bytes than its files’ sizes say.');
        const folder = join(opts.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(6).toString('hex')}`);
        await rename(staging, folder);
        return { folder, files: entries.length };
      } catch (e) {
        if (e instanceof ApiError) throw e;
        throw new ApiError('fs_error', `The dropped files could not be saved: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      } finally {
        await source.close();
        if (staging) {
          stagingInUse.delete(staging);
          await rm(staging, { recursive: true, force: true });
        }
        busy--;
      }
    },
  };
}

/** Hands out exact byte counts from a stream of chunks of any size. */
class ExactReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private rest: Uint8Array | null = null;
  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async next(): Promise<Uint8Array | null> {
    if (this.rest) {
      const chunk = this.rest;
      this.rest = null;
      return chunk;
    }
    let result: IteratorResult<Uint8Array>;
    try {
      result = await this.it.next();
    } catch {
      throw new ApiError('invalid_input', 'The upload was cut off before all its files arrived.');
    }
    return result.done ? null : result.value;
  }

  async copy(size: number, write: (chunk: Uint8Array) => Promise<void>): Promise<void> {
    for (let left = size; left > 0; ) {
      const chunk = await this.next();
      if (!chunk) throw new ApiError('invalid_input', 'The upload ended before all its files arrived.');
      if (chunk.length > left) {
        this.rest = chunk.subarray(left);
        await write(chunk.subarray(0, left));
        left = 0;
      } else {
        await write(chunk);
        left -= chunk.length;
      }
    }
  }

  async atEnd(): Promise<boolean> {
    for (;;) {
      const chunk = await this.next();
      if (!chunk) return true;
      if (chunk.length > 0) return false;
    }
  }

  async close(): Promise<void> {
    await this.it.return?.().catch(() => undefined);
  }
}

/** A dropped file's relative path, or a refusal: no absolute, empty, `.` or `..` segment, no NUL, no over-long name. */
function inboxRelativePath(given: string): string {
  const segments = given.split(/[/\\]/);
  const bad = given.includes('\0') || segments.some((seg) => seg === '' || seg === '.' || seg === '..' || Buffer.byteLength(seg) > 255);
  if (bad) throw new ApiError('invalid_input', `Refused file name "${given.slice(0, 300)}".`);
  return segments.join(sep);
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (entry.isFile()) total += (await lstat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

function formatMb(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(0)} MB`;
}
