// `intake ingest --watch` as a user runs it (its own process, real files): a file written in one go,
// a file still being written, the watched folder removed and put back, a file edited after it was
// ingested, and a file that fails while watched.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/shared/domain';
import { letter } from '../support/workspace';
import { cli, isRunning, startCli, waitFor, withDb } from './support';

let root: string;
let docs: string;
let db: string;
const stoppers: (() => Promise<unknown>)[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-watchedge-'));
  docs = join(root, 'docs');
  mkdirSync(docs);
  db = join(root, 'intake.db');
});
afterEach(async () => {
  for (const stop of stoppers.splice(0)) await stop();
  rmSync(root, { recursive: true, force: true });
});

const sha = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');
const env = () => ({ INTAKE_DATA_DIR: join(root, 'data') });

/** `intake ingest <folders> --watch --json`: its summaries (one JSON line per run) and its stderr as they come. */
function watch(folders: string[]) {
  const run = startCli(['ingest', ...folders, '--db', db, '--no-ocr', '--watch', '--json'], { env: env(), timeoutMs: 600_000 });
  const summaries: RunSummary[] = [];
  let out = '';
  let stderr = '';
  run.child.stdout!.on('data', (d) => {
    out += d;
    let nl;
    while ((nl = out.indexOf('\n')) !== -1) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line.startsWith('{')) summaries.push(JSON.parse(line) as RunSummary);
    }
  });
  run.child.stderr!.on('data', (d) => (stderr += d));
  const stop = async () => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGINT');
    return run.done;
  };
  stoppers.push(stop);
  return { child: run.child, summaries, stderr: () => stderr, stop };
}

function q<T>(sql: string, ...params: unknown[]): T[] {
  try {
    return withDb(db, (d) => d.prepare(sql).all(...params) as T[]);
  } catch {
    return []; // not created yet
  }
}
const documentFor = (hash: string) => q<{ id: number; size: number; file_path: string }>('SELECT id, size, file_path FROM documents WHERE file_hash = ?', hash)[0];
const pathRows = (path: string) => q<{ file_hash: string }>('SELECT d.file_hash FROM document_paths p JOIN documents d ON d.id = p.document_id WHERE p.file_path = ?', path);
const eventsFor = (path: string) => q<{ kind: string; error_code: string | null }>('SELECT kind, error_code FROM failure_events WHERE file_path = ? ORDER BY id', path);

/** Waits until the watcher has ingested `path` with exactly these bytes (a new file proves at least two polls went by). */
async function ingested(path: string, content: string | Buffer, timeoutMs = 120_000): Promise<boolean> {
  return waitFor(() => documentFor(sha(content)) !== undefined && pathRows(path).some((r) => r.file_hash === sha(content)), timeoutMs, 100);
}

/** A separate writer process appending a line to `path` every 100 ms: a scan or a download still arriving. */
function slowWriter(path: string): ChildProcess {
  const child = spawn('sh', ['-c', 'i=0; while :; do i=$((i+1)); echo "Line $i of a long letter that is still being written to disk by a slow copy." >> "$1"; sleep 0.1; done', 'sh', path], {
    stdio: 'ignore',
  });
  stoppers.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('close', r));
      child.kill('SIGTERM');
      await gone;
    }
  });
  return child;
}

describe('intake ingest --watch, edge cases through the real CLI', () => {
  it('a file written in one go is ingested at the next polls; a file still being written is taken only once it stops changing, whole', async () => {
    writeFileSync(join(docs, 'first.txt'), letter('First letter'));
    const w = watch([docs]);
    expect(await waitFor(() => w.summaries.length === 1, 120_000, 50)).toBe(true);

    const growing = join(docs, 'growing.txt');
    writeFileSync(growing, letter('A long letter arriving slowly'));
    const writer = slowWriter(growing);
    // Two files written in one go while the other grows: each one's ingest means two more polls have seen it grow.
    for (const name of ['one-go.txt', 'another-go.txt']) {
      const content = letter(`Written in one go: ${name}`);
      writeFileSync(join(docs, name), content);
      expect(await ingested(join(docs, name), content), name).toBe(true);
      expect(pathRows(growing)).toEqual([]);
      expect(eventsFor(growing)).toEqual([]);
    }
    const stopped = new Promise((r) => writer.once('close', r));
    writer.kill('SIGTERM');
    await stopped;
    const whole = readFileSync(growing);
    expect(await ingested(growing, whole)).toBe(true);
    // Taken once, whole: one document for the path, of the final size, and no "changed while being read" on the way.
    expect(pathRows(growing)).toEqual([{ file_hash: sha(whole) }]);
    expect(documentFor(sha(whole))!.size).toBe(statSync(growing).size);
    expect(eventsFor(growing)).toEqual([]);
    expect(q('SELECT * FROM failed_files')).toEqual([]);
    // The run that took the last file prints its summary after its document is stored: wait for it.
    expect(await waitFor(() => w.summaries.reduce((n, s) => n + s.ingested, 0) >= 4, 120_000, 50)).toBe(true);
    expect(w.summaries.every((s) => s.failed === 0 && s.status === 'completed')).toBe(true);
    expect(w.summaries.reduce((n, s) => n + s.ingested, 0)).toBe(4);
    expect(w.child.exitCode).toBeNull();
    expect((await w.stop()).code).toBe(130);
  }, 600_000);

  it('the watched folder removed: said once, watching goes on, and the folder put back is watched again', async () => {
    const other = join(root, 'other');
    mkdirSync(other);
    const keep = letter('A letter in the folder that goes away');
    writeFileSync(join(docs, 'keep.txt'), keep);
    const w = watch([docs, other]);
    expect(await waitFor(() => w.summaries.length === 1, 120_000, 50)).toBe(true);
    expect(w.summaries[0].ingested).toBe(1);

    rmSync(docs, { recursive: true });
    expect(await waitFor(() => w.stderr().includes(docs), 60_000, 50)).toBe(true);
    expect(w.stderr()).toMatch(/is gone|no longer there|not found|missing/i);
    // The other folder is still watched meanwhile, and each ingest there means more polls went by without the folder.
    for (const name of ['meanwhile-1.txt', 'meanwhile-2.txt']) {
      const content = letter(`Dropped while the other folder is gone: ${name}`);
      writeFileSync(join(other, name), content);
      expect(await ingested(join(other, name), content), name).toBe(true);
    }
    expect(w.child.exitCode).toBeNull();

    // Put back as a copy (new times) with one new file.
    mkdirSync(docs);
    writeFileSync(join(docs, 'keep.txt'), keep);
    const fresh = letter('A letter that arrived with the folder put back');
    writeFileSync(join(docs, 'new.txt'), fresh);
    expect(await ingested(join(docs, 'new.txt'), fresh)).toBe(true);
    expect(await waitFor(() => /is back|watching it again/i.test(w.stderr()), 60_000, 50)).toBe(true);

    // Told once that it went and once that it came back, not at every poll; nothing failed for it.
    const lines = w.stderr().split('\n').filter((l) => l.includes(docs));
    expect(lines, w.stderr()).toHaveLength(2);
    expect(w.stderr()).not.toMatch(/SqliteError|\n\s+at\s/);
    expect(q('SELECT * FROM failed_files')).toEqual([]);
    expect(q<{ n: number }>('SELECT count(*) AS n FROM documents')[0].n).toBe(4);
    expect(pathRows(join(docs, 'keep.txt'))).toEqual([{ file_hash: sha(keep) }]);
    expect(w.summaries.every((s) => s.failed === 0 && s.status === 'completed')).toBe(true);
    expect((await w.stop()).code).toBe(130);
  }, 600_000);

  it('a file edited after it was ingested: the new version is ingested and the path moves to it; put back as it was, the path moves back', async () => {
    const note = join(docs, 'note.txt');
    const v1 = letter('Meeting notes, first draft');
    const v2 = letter('Meeting notes, second draft', 'Added: the budget was approved.');
    writeFileSync(note, v1);
    const w = watch([docs]);
    expect(await ingested(note, v1)).toBe(true);

    writeFileSync(note, v2);
    expect(await ingested(note, v2)).toBe(true);
    expect(pathRows(note)).toEqual([{ file_hash: sha(v2) }]);
    // The first draft stays in the library (its text was real), but no longer claims the path.
    expect(documentFor(sha(v1))).toBeDefined();
    expect(documentFor(sha(v2))!.file_path).toBe(note);

    writeFileSync(note, v1);
    expect(await waitFor(() => w.summaries.some((s) => s.skippedExisting === 1), 120_000, 50)).toBe(true);
    expect(await waitFor(() => pathRows(note).length === 1 && pathRows(note)[0].file_hash === sha(v1), 30_000, 50)).toBe(true);
    expect(q<{ n: number }>('SELECT count(*) AS n FROM documents')[0].n).toBe(2);
    expect(q('SELECT * FROM failed_files')).toEqual([]);
    expect((await w.stop()).code).toBe(130);
  }, 600_000);

  it('a file that fails while watched is recorded once, not tried again at every poll, and tried again after intake failed reset', async () => {
    writeFileSync(join(docs, 'first.txt'), letter('First letter'));
    const w = watch([docs]);
    expect(await waitFor(() => w.summaries.length === 1, 120_000, 50)).toBe(true);

    const bad = join(docs, 'bad.txt');
    writeFileSync(bad, 'too short');
    expect(await waitFor(() => eventsFor(bad).length === 1, 120_000, 50)).toBe(true);
    // Each new file ingested after it means two more polls have seen the failed one unchanged.
    for (const name of ['after-1.txt', 'after-2.txt', 'after-3.txt']) {
      const content = letter(`Dropped after the failure: ${name}`);
      writeFileSync(join(docs, name), content);
      expect(await ingested(join(docs, name), content), name).toBe(true);
    }
    expect(eventsFor(bad)).toEqual([{ kind: 'failure', error_code: 'text_insufficient' }]);
    expect(q('SELECT attempts FROM failed_files WHERE file_path = ?', bad)).toEqual([{ attempts: 1 }]);
    expect(w.summaries.filter((s) => s.failed > 0)).toHaveLength(1);
    // Not handed to a run again either (where it would only be skipped as failed): five files, five taken.
    const scanned = () => w.summaries.reduce((n, s) => n + s.scanned, 0);
    expect(scanned()).toBe(5);

    // Reset from another process: the watcher sees the row gone and tries the file once more.
    const reset = await cli(['failed', 'reset', sha('too short'), '--db', db], { env: env() });
    expect(reset.code, reset.stderr).toBe(0);
    expect(await waitFor(() => eventsFor(bad).length === 3, 120_000, 50)).toBe(true);
    expect(eventsFor(bad).map((e) => e.kind)).toEqual(['failure', 'reset', 'failure']);
    const content = letter('Dropped after the retry');
    writeFileSync(join(docs, 'after-retry.txt'), content);
    expect(await ingested(join(docs, 'after-retry.txt'), content)).toBe(true);
    expect(eventsFor(bad)).toHaveLength(3);
    expect(w.summaries.filter((s) => s.failed > 0)).toHaveLength(2);
    expect(scanned()).toBe(7);
    expect(isRunning(w.child.pid!)).toBe(true);
    expect((await w.stop()).code).toBe(130);
  }, 600_000);
});
