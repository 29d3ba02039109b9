import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  /** busy_timeout in ms: how long a writer waits for another (app + CLI on one file). */
  busyTimeoutMs?: number;
}

/**
 * Where better-sqlite3's native addon comes from. Tests and the CLI load the
 * Node build from node_modules; the desktop app runs under Electron's ABI and
 * loads the copy `npm start` rebuilt into .electron-native/ (or INTAKE_SQLITE_BINDING).
 */
function nativeBinding(): string | undefined {
  if (process.env.INTAKE_SQLITE_BINDING) return process.env.INTAKE_SQLITE_BINDING;
  if (!process.versions.electron) return undefined;
  const candidates = [
    join(process.cwd(), '.electron-native', 'better_sqlite3.node'),
    join(process.resourcesPath ?? '', 'better_sqlite3.node'),
  ];
  return candidates.find((p) => existsSync(p));
}

/** Opens (creating if needed) the library and brings its schema up to date. */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (opts.readonly) return openReadOnly(file, opts);
  if (file !== ':memory:') {
    // The library holds all extracted text: its folder 0700, the file 0600 (SQLite gives -wal and -shm the file's mode).
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  }
  const binding = nativeBinding();
  // Absolute, so a name like "file:x" can never be read as a URI (bin/intake.js enables them for openReadOnly).
  const db = new Database(file === ':memory:' ? file : resolve(file), { ...(binding ? { nativeBinding: binding } : {}) });
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 10_000))}`);
  try {
    // Before anything writes (switching to WAL rewrites the header): a file we must not touch is left as it was.
    checkIsOurs(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** A library error the CLI and the app show as one line: the file is newer than this build, or not Intake's. */
export class LibraryRefused extends Error {
  readonly code = 'library_refused';
}

/**
 * Refuses a library made by a newer Intake (user_version above what this build knows: migrating
 * "down" or ignoring new columns could lose data) and a SQLite file of another program (tables,
 * but no Intake schema version), leaving either untouched.
 */
function checkIsOurs(db: Db, file: string, version = db.pragma('user_version', { simple: true }) as number): void {
  if (version > MIGRATIONS.length) {
    throw new LibraryRefused(`${file} was made by a newer version of Intake (library version ${version}; this one knows up to ${MIGRATIONS.length}). Update Intake to open it; the file was left untouched.`);
  }
  if (version === 0) {
    const foreign = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' LIMIT 1").get();
    if (foreign) throw new LibraryRefused(`${file} is a database of another program (it holds "${foreign.name}"), not an Intake library; it was left untouched.`);
  }
}

/**
 * A read-only connection, for commands that only look. A WAL library needs a -shm file beside it;
 * in a folder the user may not write (another user's library, a read-only mount) none can be
 * created, so the file is opened as immutable instead (where SQLite URIs are enabled: the CLI).
 */
function openReadOnly(file: string, opts: OpenOptions): Db {
  const binding = nativeBinding();
  const abs = resolve(file);
  const open = (name: string): Db => {
    const db = new Database(name, { readonly: true, fileMustExist: true, ...(binding ? { nativeBinding: binding } : {}) });
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 10_000))}`);
      db.pragma('foreign_keys = ON');
      db.prepare('SELECT count(*) FROM sqlite_master').get(); // the first read is where a missing -shm shows
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  };
  const openLooking = (): Db => {
    try {
      return open(abs);
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!/^SQLITE_(READONLY|CANTOPEN)/.test(code) || !existsSync(abs)) throw e;
      return open(`file:${encodeURI(abs).replace(/[?#]/g, encodeURIComponent)}?immutable=1`);
    }
  };
  const db = openLooking();
  const version = db.pragma('user_version', { simple: true }) as number;
  try {
    checkIsOurs(db, file, version);
  } catch (e) {
    db.close();
    throw e;
  }
  if (version >= MIGRATIONS.length) return db;
  // A library from an older Intake lacks tables this build reads (e.g. failed_paths): a command that
  // only looks upgrades it first, as opening it in the app would, then looks.
  db.close();
  try {
    openDatabase(file, { busyTimeoutMs: opts.busyTimeoutMs }).close();
  } catch (e) {
    if (e instanceof LibraryRefused) throw e;
    const code = (e as { code?: string }).code ?? '';
    if (/^SQLITE_(READONLY|CANTOPEN|PERM|AUTH)|^E(ACCES|PERM|ROFS)$/.test(code)) {
      throw new LibraryRefused(
        `${file} was made by an older version of Intake (library version ${version}; this one needs ${MIGRATIONS.length}) and must be upgraded once, which needs write access to it and its folder. Open it once with write access (the app or intake ingest); it was left untouched.`,
      );
    }
    throw e;
  }
  return openLooking();
}

export function migrate(db: Db): void {
  // BEGIN IMMEDIATE so two processes opening a fresh file don't both migrate.
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current >= MIGRATIONS.length) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    let version = db.pragma('user_version', { simple: true }) as number;
    for (; version < MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    }
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
}

export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}
