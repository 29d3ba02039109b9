// `intake ingest --watch` keeps watching when the library is locked by another program for
// longer than busy_timeout, or when the disk holding it fills up: it says so and tries again.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { letter } from '../support/workspace';
import { startCli, waitFor, withDb } from './support';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-watchfault-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function documentCount(db: string): number {
  try {
    return withDb(db, (d) => (d.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n);
  } catch {
    return -1;
  }
}

function watch(docs: string, db: string) {
  const run = startCli(['ingest', docs, '--db', db, '--no-ocr', '--watch', '--json'], { env: { INTAKE_DATA_DIR: join(root, 'data') }, timeoutMs: 300_000 });
  let stderr = '';
  let stdout = '';
  run.child.stderr!.on('data', (d) => (stderr += d));
  run.child.stdout!.on('data', (d) => (stdout += d));
  return { ...run, stderr: () => stderr, stdout: () => stdout };
}

describe('--watch survives library faults', () => {
  it('another program holds the library locked past busy_timeout: the poll reports it, keeps watching, and ingests the file once the lock is gone', async () => {
    const docs = join(root, 'docs');
    mkdirSync(docs);
    const db = join(root, 'intake.db');
    writeFileSync(join(docs, 'first.txt'), letter('First letter'));
    const w = watch(docs, db);
    try {
      expect(await waitFor(() => documentCount(db) === 1, 60_000)).toBe(true);
      // The first run has printed its summary: it is over and the watch has begun. (The document is
      // stored before the run's last writes; a lock taken between them held up the first run itself,
      // not a poll, and a fresh-clone CI waited 240 s here for the poll's message.)
      expect(await waitFor(() => w.stdout().includes('"runId"'), 60_000)).toBe(true);
      // Another program takes the write lock and keeps it.
      const other = new Database(db);
      other.pragma('busy_timeout = 30000');
      other.exec('BEGIN EXCLUSIVE');
      try {
        writeFileSync(join(docs, 'second.txt'), letter('Second letter, written while the library is locked'));
        expect(await waitFor(() => /locked by another program/.test(w.stderr()), 240_000, 100)).toBe(true);
        expect(w.child.exitCode).toBeNull();
      } finally {
        other.exec('COMMIT');
        other.close();
      }
      expect(await waitFor(() => documentCount(db) === 2, 60_000)).toBe(true);
      expect(w.stderr()).not.toMatch(/SqliteError|\s+at\s/);
    } finally {
      w.child.kill('SIGINT');
      expect((await w.done).code).toBe(130);
    }
  }, 480_000);

  it('the disk holding the library is full: the poll reports it, keeps watching, and ingests once there is room (a 3 MiB tmpfs)', async () => {
    const disk = join(root, 'disk');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', disk]);
    try {
      const docs = join(root, 'docs');
      mkdirSync(docs);
      const db = join(disk, 'intake.db');
      writeFileSync(join(docs, 'first.txt'), letter('First letter'));
      const w = watch(docs, db);
      try {
        expect(await waitFor(() => documentCount(db) === 1, 60_000)).toBe(true);
        // Fill the disk to the last byte, then drop a new file into the watched folder.
        const filler = join(disk, 'filler');
        try {
          execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
        } catch {
          // dd stops with "No space left on device": that is the point
        }
        writeFileSync(join(docs, 'second.txt'), letter('Second letter, written while the disk is full '.repeat(200)));
        expect(await waitFor(() => /full|no space|SQLITE_FULL|could not/i.test(w.stderr()), 120_000, 100)).toBe(true);
        expect(w.child.exitCode).toBeNull();
        rmSync(filler);
        expect(await waitFor(() => documentCount(db) === 2, 60_000)).toBe(true);
        expect(w.stderr()).not.toMatch(/SqliteError:|\n\s+at\s/);
      } finally {
        w.child.kill('SIGINT');
        expect((await w.done).code).toBe(130);
      }
    } finally {
      execFileSync('umount', ['-l', disk]);
    }
  }, 300_000);
});
