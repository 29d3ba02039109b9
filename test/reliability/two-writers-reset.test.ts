// The app resets and reprocesses failed files while a CLI run writes the same library: two real
// processes (`intake serve`, driven over HTTP as the Failed-files screen drives it, and `intake
// ingest`). Nobody is told "database is locked", both finish, and the failed rows and counts are
// right afterwards.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from '../../src/shared/contract';
import type { FailedFile, ReprocessReport, RunSummary } from '../../src/shared/domain';
import { cli, goodLetter, startCli, waitFor, withDb } from './support';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-2w-reset-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

describe('two processes on one library: the app resets and reprocesses while the CLI ingests', () => {
  it('every reset and reprocess answers ok, the CLI run completes, and the failed rows, events and counts are exactly right', async () => {
    const db = join(root, 'lib', 'intake.db');
    const env = { INTAKE_DATA_DIR: join(root, 'data'), INTAKE_ROOTS: root };
    const bad = join(root, 'bad');
    const busy = join(root, 'busy');
    mkdirSync(bad);
    mkdirSync(busy);
    const badPaths: string[] = [];
    for (let i = 0; i < 160; i++) {
      badPaths.push(join(bad, `b-${String(i).padStart(3, '0')}.txt`));
      writeFileSync(badPaths[i], `tiny ${i}`);
    }
    for (let i = 0; i < 4000; i++) writeFileSync(join(busy, `${String(i).padStart(4, '0')}.txt`), goodLetter(i));

    // 160 failed files in the library, then half of the last 120 are fixed on disk.
    const first = await cli(['ingest', bad, '--db', db, '--no-ocr', '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as RunSummary).failed).toBe(160);
    const toReset = badPaths.slice(0, 40);
    const toReprocess = badPaths.slice(40);
    const fixed = new Set(toReprocess.filter((_, i) => i % 2 === 0));
    for (const p of fixed) writeFileSync(p, goodLetter(100_000 + badPaths.indexOf(p)));

    // The app: `intake serve`, driven over HTTP with its token.
    const server = startCli(['serve', '--db', db, '--port', '0'], { env, timeoutMs: 600_000 });
    let serverOut = '';
    server.child.stdout!.on('data', (d) => (serverOut += d));
    let cliRun: ReturnType<typeof startCli> | null = null;
    try {
      expect(await waitFor(() => /running at (\S+)/.test(serverOut), 120_000, 50)).toBe(true);
      const url = new URL(/running at (\S+)/.exec(serverOut)![1]);
      const token = url.hash.slice('#token='.length);
      const invoke = async <T,>(channel: string, input: unknown): Promise<Envelope<T>> => {
        const res = await fetch(`${url.origin}/api/invoke/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(input) });
        return (await res.json()) as Envelope<T>;
      };
      const list = await invoke<Page<FailedFile>>('failed.list', { limit: 1000, sort: 'filename', dir: 'asc' });
      if (!list.ok) throw new Error(list.error.message);
      const idOf = new Map(list.value.rows.map((r) => [r.filePath, r.id]));
      expect(idOf.size).toBe(160);

      // The CLI writes 4 000 documents meanwhile.
      cliRun = startCli(['ingest', busy, '--db', db, '--no-ocr', '--json', '--concurrency', '4'], { env, timeoutMs: 600_000 });
      const cliRunning = () => {
        try {
          return withDb(db, (d) => (d.prepare("SELECT count(*) AS n FROM runs WHERE status = 'running' AND options LIKE ?").get(`%${busy}%`) as { n: number }).n > 0);
        } catch {
          return false;
        }
      };
      expect(await waitFor(cliRunning, 120_000, 20)).toBe(true);

      // As the screen does: Reset one row at a time, then Reset & reprocess in batches of ten.
      const opsStart = Date.now();
      const answers: Envelope<unknown>[] = [];
      for (const p of toReset) answers.push(await invoke<{ reset: number }>('failed.reset', { ids: [idOf.get(p)] }));
      const reports: ReprocessReport[] = [];
      for (let i = 0; i < toReprocess.length; i += 10) {
        const answer = await invoke<ReprocessReport>('failed.reprocess', { ids: toReprocess.slice(i, i + 10).map((p) => idOf.get(p)) });
        answers.push(answer);
        if (answer.ok) reports.push(answer.value);
      }
      const overlapped = cliRun.child.exitCode === null;
      const opsMs = Date.now() - opsStart;
      const refused = answers.filter((a) => !a.ok);
      expect(refused, JSON.stringify(refused.slice(0, 3))).toEqual([]);
      expect(answers.slice(0, 40).map((a) => a.ok && (a.value as { reset: number }).reset)).toEqual(Array(40).fill(1));

      const done = await cliRun.done;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).not.toMatch(/locked|SQLITE_BUSY/i);
      const summary = JSON.parse(done.stdout) as RunSummary;
      expect(summary).toMatchObject({ status: 'completed', scanned: 4000, ingested: 4000, failed: 0 });
      // The app's operations ran while the CLI was still writing (else this proves nothing).
      console.info(`[two-writers-reset] 40 resets and ${reports.length} reprocesses took ${opsMs} ms; the CLI run ${summary.durationMs} ms`);
      expect(overlapped).toBe(true);

      // Each reprocess report: the fixed files succeeded, the others failed again.
      expect(reports.reduce((n, r) => n + r.succeeded, 0)).toBe(fixed.size);
      expect(reports.reduce((n, r) => n + r.failedSame + r.failedDifferent, 0)).toBe(toReprocess.length - fixed.size);
      expect(reports.reduce((n, r) => n + r.skipped, 0)).toBe(0);

      // The screens' counts afterwards, through the server.
      const count = await invoke<number>('failed.count', {});
      expect(count).toEqual({ ok: true, value: toReprocess.length - fixed.size });
      const after = await invoke<Page<FailedFile>>('failed.list', { limit: 1000 });
      expect(after.ok && new Set(after.value.rows.map((r) => r.filePath))).toEqual(new Set(toReprocess.filter((p) => !fixed.has(p))));
      expect(after.ok && after.value.rows.every((r) => r.errorCode === 'text_insufficient')).toBe(true);

      withDb(db, (d) => {
        expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
        const kinds = (p: string) => (d.prepare('SELECT kind FROM failure_events WHERE file_path = ? ORDER BY id').all(p) as { kind: string }[]).map((e) => e.kind);
        for (const p of toReset) expect(kinds(p), p).toEqual(['failure', 'reset']);
        // A fixed file is new content: it is stored as a document (below), with no failure of its own to clear.
        for (const p of toReprocess) expect(kinds(p), p).toEqual(fixed.has(p) ? ['failure', 'reset'] : ['failure', 'reset', 'failure']);
        expect((d.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n).toBe(4000 + fixed.size);
        const inBoth = d.prepare('SELECT count(*) AS n FROM documents JOIN failed_files USING (file_hash)').get() as { n: number };
        expect(inBoth.n).toBe(0);
        for (const p of fixed) expect(d.prepare('SELECT 1 FROM document_paths WHERE file_path = ?').get(p), p).toBeDefined();
        // Every run closed, with counts that add up.
        const runs = d.prepare('SELECT status, counts FROM runs ORDER BY id').all() as { status: string; counts: string }[];
        expect(runs.map((r) => r.status).every((s) => s === 'completed')).toBe(true);
        expect(runs.length).toBe(2 + reports.length);
        const reprocessCounts = runs.slice(-reports.length).map((r) => JSON.parse(r.counts) as { ingested: number; failed: number });
        expect(reprocessCounts.reduce((n, c) => n + c.ingested, 0)).toBe(fixed.size);
        expect(reprocessCounts.reduce((n, c) => n + c.failed, 0)).toBe(toReprocess.length - fixed.size);
      });
    } finally {
      if (cliRun && cliRun.child.exitCode === null) cliRun.child.kill('SIGINT');
      await cliRun?.done;
      server.child.kill('SIGTERM');
      const stopped = await server.done;
      expect(stopped.stderr).not.toMatch(/locked|SQLITE_BUSY/i);
    }
  }, 600_000);
});
