// Ctrl-C while a huge file is being hashed: the CLI stops at once (between two 1 MiB reads),
// records the run as interrupted, and blames no file.
import { closeSync, mkdirSync, mkdtempSync, openSync, readlinkSync, readdirSync, rmSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { letter } from '../support/workspace';
import { startCli, waitFor, withDb } from './support';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-hashint-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function hasOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

it('Ctrl-C during the hash of a 1 TB (sparse) file ends the CLI with 130, the run interrupted, the file not failed', async () => {
  const docs = join(root, 'docs');
  mkdirSync(docs);
  writeFileSync(join(docs, 'a-letter.txt'), letter('A small letter'));
  const huge = join(docs, 'huge.log');
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, 1024 ** 4); // hashing all of it would take the best part of an hour
  closeSync(fd);
  const db = join(root, 'intake.db');
  // Killed after 90 s if Ctrl-C is not honoured: the test then fails on the exit code.
  const { child, done } = startCli(['ingest', docs, '--db', db, '--no-ocr', '--concurrency', '1', '--json'], { env: { INTAKE_DATA_DIR: join(root, 'data') }, timeoutMs: 90_000 });
  expect(await waitFor(() => hasOpen(child.pid!, huge), 60_000, 20)).toBe(true);
  child.kill('SIGINT');
  const r = await done;
  expect(r.code, r.stderr).toBe(130);
  withDb(db, (d) => {
    expect(d.prepare('SELECT status FROM runs').all()).toEqual([{ status: 'interrupted' }]);
    expect(d.prepare('SELECT count(*) AS n FROM failed_files').get()).toEqual({ n: 0 });
  });
}, 120_000);
