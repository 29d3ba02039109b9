import { lstat, readdir, realpath, stat, statfs } from 'node:fs/promises';
import { stat as statThen, statSync, type Stats } from 'node:fs';
import { basename, extname, join, resolve, sep } from 'node:path';
import type { ErrorCode, FileKind } from '../../shared/domain';
import { osFailure } from '../../shared/errors';
import { KIND_BY_EXT } from '../extract/types';
import { joinRaw, readableName, utf8Name } from './raw-names';

/**
 * `path` is the path as people read it (and as the library keys it). `raw`, present only when the
 * name's bytes are not valid UTF-8, is the path's real bytes: every file-system call uses it.
 */
export type ScanEntry =
  | { type: 'file'; path: string; raw?: Buffer; kind: FileKind; size: number; mtimeMs: number }
  | { type: 'unsupported'; path: string; raw?: Buffer }
  | { type: 'error'; path: string; raw?: Buffer; code: ErrorCode; reason: string; message: string };

/** Stats in flight ahead of the entry being visited: the thread pool works while the pipeline takes the file. */
const STAT_AHEAD = 32;
/** Plain files handed on at most at once (a folder's files go out together, up to this many). */
const BATCH_MAX = 256;

/**
 * Linux file systems on a local device (statfs f_type), whose entries are stat'ed synchronously in
 * short slices (see StatsAhead): thousands of thread-pool round trips cost more than the stats. Any
 * other (NFS, SMB/CIFS, FUSE, 9p, Ceph, …, or any other OS) is stat'ed asynchronously: a network
 * share that stalls holds a pool thread, never the event loop.
 */
const LOCAL_FS_TYPES = new Set([
  0xef53, // ext2/3/4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x2fc12fc1, // zfs
  0xf2f52010, // f2fs
  0x01021994, // tmpfs
  0x794c7630, // overlayfs (containers)
  0x3153464a, // jfs
  0x52654973, // reiserfs
  0x4d44, // vfat
  0x2011bab0, // exfat
  0x5346544e, // ntfs3
  0x137d, // ext (old)
  0x858458f6, // ramfs
]);
/** May a folder on a file system of this statfs type be stat'ed in synchronous slices? Only a local one, on Linux. */
export function syncStatsOn(fsType: number, platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'linux' && LOCAL_FS_TYPES.has(fsType);
}

/** A synchronous slice ends after this long, and the event loop runs before the next one. */
const SYNC_SLICE_MS = 4;
/** One stat slower than this (a failing disk, a device that spins up) turns its file system back to asynchronous stats. */
const SYNC_SLOW_MS = 20;

const SYSTEM_NAMES = new Set(['thumbs.db', 'desktop.ini', 'ehthumbs.db', '$recycle.bin', 'system volume information', 'lost+found']);

/** Hidden (dot) files and OS clutter are skipped silently, not counted. */
export function isHiddenOrSystem(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || SYSTEM_NAMES.has(name.toLowerCase());
}

export function kindOf(path: string): FileKind | undefined {
  return KIND_BY_EXT[extname(path).toLowerCase()];
}

/** Kernel and device trees: never documents, and reading one can leak secrets or block for ever. */
const SYSTEM_TREES = ['/proc', '/sys', '/dev'];

function isUnder(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Why a real path may not be read: outside the granted roots, or inside /proc, /sys, /dev. Null when it may. */
export function refusalOf(real: string, allowedRoots: readonly string[] | undefined): string | null {
  if (process.platform !== 'win32' && SYSTEM_TREES.some((t) => isUnder(real, t))) return `it leads to ${real}, a system path that is never read`;
  if (allowedRoots && !allowedRoots.some((r) => isUnder(real, r))) return `it leads to ${real}, outside the folders Intake may read`;
  return null;
}

export interface ScanOptions {
  signal?: AbortSignal;
  /** Real paths files must resolve inside (browser mode); a link leading elsewhere is refused, not read. */
  allowedRoots?: readonly string[];
  /** Called for each folder whose listing was read (a "could not be read" row for it can go). */
  onFolderRead?: (path: string) => void;
  /** The bytes of a given path whose name is not UTF-8 (a failed row being reprocessed), as the library kept them. */
  rawOf?: (path: string) => Buffer | undefined;
  /** 'async': every stat through the thread pool, even on a local disk (tests compare the two ways). */
  stats?: 'auto' | 'async';
  /**
   * Follow a linked folder met inside the walk whose real path is outside every given root (the
   * user's choice: Settings or --follow-symlinks). Off: it is not read, and `onLinkNotFollowed` says so.
   * A link into a given root is never followed either way: that root's own walk reads it.
   */
  followSymlinks?: boolean;
  onLinkNotFollowed?: (path: string, real: string) => void;
}

/**
 * Walks the given files and folders recursively. Survives symlink loops
 * (directories are visited once by real path), permission errors and files
 * vanishing mid-walk: those become `error` entries, never exceptions.
 * Paths given explicitly are taken even when hidden. Every file's and folder's real path is
 * checked: one reached through a link to /proc, /sys, /dev or outside `allowedRoots` becomes an
 * `error` entry with the reason, and is never opened.
 */
export async function* scan(roots: string[], optsOrSignal?: AbortSignal | ScanOptions): AsyncGenerator<ScanEntry> {
  for await (const batch of scanBatches(roots, optsOrSignal)) yield* batch;
}

/**
 * `scan`, its entries handed on a folder's worth at a time, in the same order: a folder's plain
 * files are taken in its own loop, so a file costs no generator of its own (a rerun over thousands
 * of unchanged files is mostly this walk).
 */
export async function* scanBatches(roots: string[], optsOrSignal?: AbortSignal | ScanOptions): AsyncGenerator<ScanEntry[]> {
  const opts: ScanOptions = optsOrSignal instanceof AbortSignal ? { signal: optsOrSignal } : (optsOrSignal ?? {});
  const { signal, allowedRoots, onFolderRead, rawOf, followSymlinks = false, onLinkNotFollowed } = opts;
  /** Per device: may its folders' entries be stat'ed synchronously (a local file system on Linux)? */
  const syncByDev = new Map<number, Promise<boolean>>();
  const syncStatsFor = (dev: number, folder: string | Buffer): Promise<boolean> => {
    if (opts.stats === 'async' || process.platform !== 'linux') return Promise.resolve(false);
    let known = syncByDev.get(dev);
    if (!known) {
      known = statfs(folder).then(
        (f) => syncStatsOn(f.type),
        () => false,
      );
      syncByDev.set(dev, known);
    }
    return known;
  };
  const visitedDirs = new Set<string>();
  /** Files taken, by real path as text (see realKey): a file reached twice (a link to it, a root inside a root) is taken once. */
  const seenFiles = new Set<string>();
  /** The real paths of the given roots: a linked folder leading into one is read by that root's walk. */
  const rootReals: Buffer[] = [];

  /**
   * `prefetched`: the stat already started by the parent folder (a folder's
   * entries are stat'ed STAT_AHEAD at a time, not one after another);
   * `realHint`: the real path's bytes when the parent knows the entry is a plain file;
   * `raw`: the path's bytes when some name in it is not UTF-8.
   */
  async function* visit(
    path: string,
    explicit: boolean,
    prefetched?: Promise<Stats>,
    realHint?: Buffer,
    raw?: Buffer,
    /** Where the entry would be if no link led to it (its folder's real path plus its name). */
    unlinkedReal?: Buffer,
  ): AsyncGenerator<ScanEntry[]> {
    if (signal?.aborted) return;
    const fsPath = raw ?? path;
    const at = raw ? { path, raw } : { path };
    let st: Stats;
    try {
      // stat follows symlinks; a dangling link or a loop surfaces as an error here.
      st = await (prefetched ?? stat(fsPath));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') return; // a link pointing at itself: nothing to ingest
      if (code === 'ENOENT') {
        const isLink = await lstat(fsPath).then((l) => l.isSymbolicLink(), () => false);
        if (isLink && !explicit) return; // dangling symlink inside a folder: not a document
        yield [{ type: 'error', ...at, ...osFailure(code), message: `${path}: no such file or directory` }];
        return;
      }
      yield [{ type: 'error', ...at, ...osFailure(code), message: errText(e) }];
      return;
    }
    if (st.isDirectory()) {
      let real: Buffer;
      try {
        real = await realpath(fsPath, { encoding: 'buffer' });
      } catch (e) {
        yield [{ type: 'error', ...at, ...osFailure(undefined), message: errText(e) }];
        return;
      }
      // A folder reached through a link: one leading into a given root is read by that root's walk
      // (never twice, never a loop); one leading elsewhere, only when the user asked for links to be followed.
      const linked = unlinkedReal !== undefined && !real.equals(unlinkedReal);
      if (linked && rootReals.some((r) => isUnderBytes(real, r))) return;
      const refusedDir = refusalOf(real.toString(), allowedRoots);
      if (refusedDir) {
        yield [{ type: 'error', ...at, ...osFailure('EACCES'), message: `folder not read: ${refusedDir}` }];
        return;
      }
      if (linked && !followSymlinks) {
        onLinkNotFollowed?.(path, real.toString());
        return;
      }
      // Keyed by the real path's bytes: two folders whose names differ only in non-UTF-8 bytes stay two.
      const dirKey = real.toString('latin1');
      if (visitedDirs.has(dirKey)) return; // symlink loop or the same folder twice
      visitedDirs.add(dirKey);
      let listing;
      try {
        // Names as bytes: one that is not UTF-8 is kept as it is on disk, not turned into U+FFFD.
        listing = await readdir(fsPath, { withFileTypes: true, encoding: 'buffer' });
      } catch (e) {
        yield [{ type: 'error', ...at, ...folderFailure((e as NodeJS.ErrnoException).code), message: folderMessage(path, e) }];
        return;
      }
      const names: string[] = [];
      const plainFiles = new Set<string>();
      /** Display name → bytes, for the names that are not UTF-8. */
      const rawNames = new Map<string, Buffer>();
      const undecodable: { bytes: Buffer; file: boolean }[] = [];
      for (const d of listing) {
        const bytes = d.name;
        const name = utf8Name(bytes);
        if (name === null) {
          undecodable.push({ bytes, file: d.isFile() });
          continue;
        }
        if (isHiddenOrSystem(name)) continue;
        names.push(name);
        if (d.isFile()) plainFiles.add(name); // not a symlink: its real path is the folder's plus its name
      }
      onFolderRead?.(path);
      const taken = new Set(names);
      for (const u of undecodable) {
        const name = readableName(u.bytes, taken);
        if (isHiddenOrSystem(name)) continue;
        taken.add(name);
        names.push(name);
        rawNames.set(name, u.bytes);
        if (u.file) plainFiles.add(name);
      }
      names.sort();
      const childRaw = (name: string): Buffer | undefined => {
        const bytes = rawNames.get(name);
        return bytes || raw ? joinRaw(fsPath, bytes ?? name) : undefined;
      };
      const stats = new StatsAhead((i) => childRaw(names[i]) ?? join(path, names[i]), names.length, await syncStatsFor(st.dev, fsPath), () =>
        syncByDev.set(st.dev, Promise.resolve(false)),
      );
      // The folder's real path as text: a plain file's real path is it plus the file's name.
      const realText = utf8Name(real);
      const batch: ScanEntry[] = [];
      for (let i = 0; i < names.length; i++) {
        if (signal?.aborted) return;
        stats.startUpTo(i + STAT_AHEAD);
        const got = stats.take(i) ?? (await stats.wait(i));
        const name = names[i];
        const childPath = join(path, name);
        const bytes = rawNames.get(name);
        if (plainFiles.has(name) && !(got instanceof Error) && got.isFile()) {
          // A plain file, taken here. Its real path is inside this folder's, which passed refusalOf.
          const key = realText !== null && bytes === undefined ? joinText(realText, name) : realKey(joinRaw(real, bytes ?? name));
          if (seenFiles.has(key)) continue;
          seenFiles.add(key);
          const childRawPath = childRaw(name);
          const childAt = childRawPath ? { path: childPath, raw: childRawPath } : { path: childPath };
          const kind = kindOf(name);
          batch.push(kind ? { type: 'file', ...childAt, kind, size: got.size, mtimeMs: got.mtimeMs } : { type: 'unsupported', ...childAt });
          if (batch.length >= BATCH_MAX) yield batch.splice(0);
          continue;
        }
        if (batch.length) yield batch.splice(0);
        const unlinked = joinRaw(real, bytes ?? name);
        const prefetched = got instanceof Error ? Promise.reject(got) : Promise.resolve(got);
        prefetched.catch(() => undefined); // visit() reports it
        yield* visit(childPath, false, prefetched, plainFiles.has(name) ? unlinked : undefined, childRaw(name), unlinked);
      }
      if (batch.length) yield batch;
      return;
    }
    if (!st.isFile()) return; // FIFOs, sockets, devices: not documents, and reading one could block forever
    let real: Buffer;
    try {
      real = realHint ?? (await realpath(fsPath, { encoding: 'buffer' }));
    } catch (e) {
      yield [{ type: 'error', ...at, ...osFailure('ENOENT'), message: errText(e) }];
      return;
    }
    const key = realKey(real);
    if (seenFiles.has(key) && !explicit) return;
    seenFiles.add(key);
    const refused = refusalOf(real.toString(), allowedRoots);
    if (refused) {
      yield [{ type: 'error', ...at, ...osFailure('EACCES'), message: `not read: ${refused}` }];
      return;
    }
    const kind = kindOf(path);
    if (!kind) {
      yield [{ type: 'unsupported', ...at }];
      return;
    }
    yield [{ type: 'file', ...at, kind, size: st.size, mtimeMs: st.mtimeMs }];
  }

  const given = roots.map((root) => {
    const path = resolve(root);
    return { path, raw: rawOf?.(path) };
  });
  for (const g of given) {
    const real = await realpath(g.raw ?? g.path, { encoding: 'buffer' }).catch(() => null);
    if (real) rootReals.push(real);
  }
  for (const g of given) yield* visit(g.path, true, undefined, undefined, g.raw);
}

/** A real path as a key: its text when its bytes are UTF-8 (as a plain file's is built), else its bytes spelt as latin1. */
function realKey(real: Buffer): string {
  return utf8Name(real) ?? `\0${real.toString('latin1')}`;
}

/** `name` inside the folder `dir`, as text (joinRaw's rule, so keys built either way agree). */
function joinText(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/**
 * A folder's entries stat'ed in order. On a local file system (`sync`), in synchronous slices of at
 * most SYNC_SLICE_MS, with the event loop running between slices; a stat slower than SYNC_SLOW_MS
 * turns the rest to asynchronous stats. Elsewhere, up to STAT_AHEAD in flight on libuv's thread
 * pool (a slow network share holds a pool thread, never the event loop), through the callback API:
 * fs/promises costs a promise and more per call, and a ready result is taken without awaiting.
 */
class StatsAhead {
  private readonly got: (Stats | Error | undefined)[] = [];
  private started = 0;
  private waiting: { i: number; wake: () => void } | null = null;

  constructor(
    private readonly pathOf: (i: number) => string | Buffer,
    private readonly n: number,
    private sync: boolean,
    /** Called when a synchronous stat was slow: this file system is stat'ed asynchronously from now on. */
    private readonly onSlow: () => void,
  ) {}

  startUpTo(end: number): void {
    if (this.sync) return;
    for (const last = Math.min(end, this.n); this.started < last; this.started++) {
      const i = this.started;
      statThen(this.pathOf(i), (err, st) => {
        this.got[i] = err ?? st;
        if (this.waiting?.i === i) {
          const { wake } = this.waiting;
          this.waiting = null;
          wake();
        }
      });
    }
  }

  /** Entry i's stat or error, once it is in (each is taken once). */
  take(i: number): Stats | Error | undefined {
    const r = this.got[i];
    if (r !== undefined) this.got[i] = undefined;
    return r;
  }

  async wait(i: number): Promise<Stats | Error> {
    if (this.sync) {
      // The event loop runs between two slices (a timer, a progress message, a cancel).
      if (i > 0) await new Promise<void>((r) => setImmediate(r));
      this.slice(i);
      if (this.got[i] !== undefined) return this.take(i)!;
      this.startUpTo(i + STAT_AHEAD); // the slice found the file system slow: asynchronous from here on
    }
    await new Promise<void>((wake) => (this.waiting = { i, wake }));
    return this.take(i)!;
  }

  /** Stats entries from i on, synchronously, until SYNC_SLICE_MS has passed. */
  private slice(i: number): void {
    const start = performance.now();
    let before = start;
    for (let j = i; j < this.n; j++) {
      try {
        this.got[j] = statSync(this.pathOf(j));
      } catch (e) {
        this.got[j] = e as Error;
      }
      const now = performance.now();
      this.started = j + 1;
      if (now - before > SYNC_SLOW_MS) {
        this.sync = false;
        this.onSlow();
        return;
      }
      if (now - start > SYNC_SLICE_MS) return;
      before = now;
    }
  }
}

/** `real` is `root` or inside it, compared as bytes. */
function isUnderBytes(real: Buffer, root: Buffer): boolean {
  if (!real.subarray(0, root.length).equals(root)) return false;
  return real.length === root.length || real[root.length] === sep.charCodeAt(0) || root[root.length - 1] === sep.charCodeAt(0);
}

/** A folder that cannot be listed: which one, why, and what to do, in the row's words. */
function folderFailure(errno: string | undefined): { code: ErrorCode; reason: string } {
  const { code, reason } = osFailure(errno);
  return { code, reason: `folder could not be read: ${reason}` };
}

function folderMessage(path: string, e: unknown): string {
  const errno = (e as NodeJS.ErrnoException).code;
  const fix =
    errno === 'EACCES' || errno === 'EPERM'
      ? ' Give your user read and enter (r-x) permission on it, e.g. chmod u+rx; its files are ingested by the next run and this row then goes.'
      : ' Its files are ingested by the next run that can read it, and this row then goes.';
  return `The folder ${path} could not be listed (${errText(e)}).${fix}`;
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const message = String(err?.message ?? e);
  // Node's own messages already start with the code ("EACCES: permission denied, scandir …").
  return err.code && !message.startsWith(`${err.code}:`) ? `${err.code}: ${message}` : message;
}

export function filenameOf(path: string): string {
  return basename(path);
}
