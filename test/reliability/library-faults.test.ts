// A fault of the library itself — damaged pages, a full disk, a read-only file — is not any file's
// fault: the run stops with one line saying what to do, marks no file failed, leaves no document
// half-written, and `intake ingest` exits 74. Real faults: overwritten index pages, a real full
// tmpfs, a 0444 file opened by a user who does not own the folder.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, dbSnapshot, goodLetter, withDb } from './support';

const EXIT_LIBRARY = 74;
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-libfault-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const ingest = (docs: string, db: string, opts: { uid?: number; gid?: number } = {}) =>
  cli(['ingest', docs, '--db', db, '--no-ocr', '--json'], { ...opts, env: { INTAKE_DATA_DIR: join(root, 'data'), HOME: root }, timeoutMs: 240_000 });

function letters(dir: string, from: number, n: number, padTo = 0): void {
  mkdirSync(dir, { recursive: true });
  for (let i = from; i < from + n; i++) {
    let text = goodLetter(i);
    // Distinct words, so every file adds its own pages (content, FTS terms, chunks).
    for (let w = 0; text.length < padTo; w++) text += ` item${i}x${w}y${(i * 7919 + w * 104729) % 1000003}`;
    writeFileSync(join(dir, `letter-${i}.txt`), text);
  }
}

const count = (db: string, sql: string) => withDb(db, (d) => (d.prepare(sql).get() as { n: number }).n);

/** The one line a stopped run ends with: says what to do, blames no file, shows no stack. */
function expectOneLineFault(stderr: string, words: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(words);
  expect(lines.at(-1)).toMatch(/No file was marked failed/);
  expect(stderr).not.toMatch(/SqliteError|\n\s+at\s/);
}

describe('a fault of the library stops the run and blames no file', () => {
  it('damaged index pages: exit 74, "integrity_check", no failed rows, and a rerun says the same instead of skipping the files', async () => {
    const docs = join(root, 'docs');
    const db = join(root, 'intake.db');
    letters(docs, 1, 10);
    expect((await ingest(docs, db)).code).toBe(0);
    // Overwrite the root page of an index every document insert writes (and no lookup reads).
    const { page, size } = withDb(db, (d) => ({
      page: (d.prepare("SELECT rootpage AS p FROM sqlite_master WHERE name = 'documents_created_at'").get() as { p: number }).p,
      size: d.pragma('page_size', { simple: true }) as number,
    }));
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.concat([Buffer.from([0x0a]), Buffer.alloc(size - 1, 0xff)]), 0, size, (page - 1) * size);
    closeSync(fd);
    letters(docs, 11, 10);

    for (let attempt = 1; attempt <= 2; attempt++) {
      const r = await ingest(docs, db);
      expect(r.code, r.stderr).toBe(EXIT_LIBRARY);
      expectOneLineFault(r.stderr, /library is damaged.*PRAGMA integrity_check.*backup/);
      const summary = JSON.parse(r.stdout) as { failed: number; skippedFailed: number; status: string };
      expect(summary).toMatchObject({ failed: 0, skippedFailed: 0, status: 'interrupted' });
      expect(count(db, 'SELECT count(*) AS n FROM failed_files')).toBe(0);
      // (NOT INDEXED: counting would read the damaged index.)
      expect(count(db, 'SELECT count(*) AS n FROM documents NOT INDEXED')).toBe(10);
    }
  }, 300_000);

  it('the disk fills up mid-run (a real tmpfs): exit 74, nothing half-written, no failed rows; with room again the rerun ingests the rest', async () => {
    const disk = join(root, 'disk');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', disk]);
    try {
      const db = join(disk, 'intake.db');
      const first = join(root, 'first');
      letters(first, 1, 3);
      expect((await ingest(first, db)).code).toBe(0);
      const docs = join(root, 'docs');
      letters(docs, 100, 30, 24_000);
      // Leave ~256 KiB: a few documents fit, the rest do not.
      const free = Number(execFileSync('df', ['--output=avail', '-B1', disk]).toString().trim().split('\n')[1]);
      const filler = join(disk, 'filler');
      execFileSync('fallocate', ['-l', String(Math.max(0, free - 256 * 1024)), filler]);

      const r = await ingest(docs, db);
      expect(r.code, r.stderr).toBe(EXIT_LIBRARY);
      expectOneLineFault(r.stderr, /disk holding the library is full.*free some space/);
      expect(JSON.parse(r.stdout)).toMatchObject({ failed: 0, status: 'interrupted' });
      expect(count(db, 'SELECT count(*) AS n FROM failed_files')).toBe(0);
      const stored = count(db, 'SELECT count(*) AS n FROM documents');
      expect(stored).toBeLessThan(33);
      // Nothing half-written: every document has its chunks and its full-text row.
      expect(count(db, 'SELECT count(*) AS n FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)')).toBe(0);
      expect(count(db, 'SELECT count(*) AS n FROM documents_fts')).toBe(stored);
      expect(withDb(db, (d) => d.pragma('integrity_check', { simple: true }))).toBe('ok');

      rmSync(filler);
      const again = await ingest(docs, db);
      expect(again.code, again.stderr).toBe(0);
      expect(count(db, 'SELECT count(*) AS n FROM documents')).toBe(33);
      expect(count(db, 'SELECT count(*) AS n FROM failed_files')).toBe(0);
    } finally {
      execFileSync('umount', ['-l', disk]);
    }
  }, 300_000);

  it('a read-only library (0444, opened by a user who may not write it): exit 74, "read-only", the library untouched', async () => {
    const asRoot = process.getuid?.() === 0;
    const lib = join(root, 'lib');
    const db = join(lib, 'intake.db');
    const docs = join(root, 'docs');
    letters(docs, 1, 5);
    expect((await ingest(docs, db)).code).toBe(0);
    letters(docs, 6, 5);
    chmodSync(root, 0o755);
    mkdirSync(join(root, 'data'), { recursive: true });
    if (asRoot) for (const p of [lib, db, join(root, 'data')]) chownSync(p, 65534, 65534);
    chmodSync(db, 0o444);
    const before = dbSnapshot(db);
    const r = await ingest(docs, db, asRoot ? { uid: 65534, gid: 65534 } : {});
    expect(r.code, r.stderr).toBe(EXIT_LIBRARY);
    expectOneLineFault(r.stderr, /library is read-only.*writable/);
    expect(dbSnapshot(db)).toEqual(before);
  }, 300_000);
});
