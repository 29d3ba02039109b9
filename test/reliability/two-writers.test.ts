// The desktop engine (browser-mode service) and a CLI run on the same library at the same time,
// over overlapping folders: no SQLITE_BUSY crash, no duplicate rows, both finish.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/connection';
import { dispatch } from '../../src/main/app/dispatch';
import { Library } from '../../src/main/engine/library';
import { createIntakeService } from '../../src/main/app/service';
import { headlessPlatform } from '../../src/main/app/platform';
import type { RunSummary } from '../../src/shared/domain';
import { Workspace, letter } from '../support/workspace';
import { goodLetter, startCli, waitFor, withDb } from './support';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace('intake-2w-');
});
afterEach(async () => {
  await ws.close();
});

const sha = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');

describe('two writers on one database', () => {
  it('the app and the CLI ingest overlapping folders at once: both finish, every file once, nothing failed for contention', async () => {
    const good = new Map<string, string[]>(); // hash → paths
    const bad = new Set<string>();
    const add = (rel: string, content: string | Buffer, isBad = false) => {
      const p = ws.write(rel, content);
      if (isBad) bad.add(sha(content));
      else good.set(sha(content), [...(good.get(sha(content)) ?? []), p]);
    };
    for (let i = 0; i < 700; i++) add(`shared/${String(i).padStart(4, '0')}.txt`, goodLetter(i));
    for (let i = 0; i < 250; i++) add(`app/${i}.txt`, goodLetter(10_000 + i));
    for (let i = 0; i < 250; i++) add(`cli/${i}.txt`, goodLetter(20_000 + i));
    // The same letters again under other names: one document, several paths.
    for (let i = 0; i < 50; i++) add(`app/copy-${i}.txt`, goodLetter(i));
    for (let i = 0; i < 50; i++) add(`cli/copy-${i}.txt`, goodLetter(i + 25));
    for (let i = 0; i < 40; i++) add(`shared/bad-${i}.txt`, `tiny ${i}`, true);

    const service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform: headlessPlatform(ws.dataDir), allowedRoots: [ws.root] });
    try {
      const finished = new Promise<RunSummary>((resolve) => service.on('run.finished', resolve));
      const cliRun = startCli(['ingest', `${ws.docs}/shared`, `${ws.docs}/cli`, '--db', ws.dbPath, '--no-ocr', '--json', '--concurrency', '4'], {
        env: { INTAKE_DATA_DIR: ws.dataDir },
      });
      // Start the app's run once the CLI's is under way, so the two overlap for most of it.
      await waitFor(() => {
        try {
          return withDb(ws.dbPath, (db) => (db.prepare("SELECT count(*) AS n FROM runs WHERE status = 'running'").get() as { n: number }).n > 0);
        } catch {
          return false;
        }
      }, 30_000);
      const started = await dispatch(service.handlers, 'ingest.start', { paths: [`${ws.docs}/shared`, `${ws.docs}/app`], ocr: false, concurrency: 4 });
      expect(started).toMatchObject({ ok: true });
      const [appSummary, cliResult] = await Promise.all([finished, cliRun.done]);

      expect(cliResult.code, cliResult.stderr).toBe(0);
      expect(cliResult.stderr).not.toMatch(/SQLITE_BUSY|database is locked/i);
      const cliSummary = JSON.parse(cliResult.stdout) as RunSummary;
      for (const s of [appSummary, cliSummary]) {
        expect(s.status).toBe('completed');
        expect(s.message ?? '').not.toMatch(/could not record/i);
        expect(s.failedByStage.db_insert ?? 0).toBe(0);
      }
      // Each saw its own folders in full.
      expect(appSummary.scanned).toBe(700 + 40 + 300);
      expect(cliSummary.scanned).toBe(700 + 40 + 300);

      withDb(ws.dbPath, (db) => {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const docs = db.prepare('SELECT file_hash, count(*) AS n FROM documents GROUP BY file_hash').all() as { file_hash: string; n: number }[];
        expect(docs.filter((d) => d.n > 1)).toEqual([]);
        expect(new Set(docs.map((d) => d.file_hash))).toEqual(new Set(good.keys()));
        const pathOf = db.prepare('SELECT count(*) AS n FROM document_paths p JOIN documents d ON d.id = p.document_id WHERE d.file_hash = ? AND p.file_path = ?');
        const missingPaths = [...good].flatMap(([h, paths]) => paths.filter((p) => (pathOf.get(h, p) as { n: number }).n !== 1));
        expect(missingPaths).toEqual([]);
        const failed = db.prepare('SELECT file_hash, error_code, count(*) AS n FROM failed_files GROUP BY file_hash').all() as { file_hash: string; error_code: string; n: number }[];
        expect(new Set(failed.map((f) => f.file_hash))).toEqual(bad);
        expect(failed.every((f) => f.n === 1 && f.error_code === 'text_insufficient')).toBe(true);
        expect((db.prepare('SELECT count(*) AS n FROM documents d JOIN failed_files f USING (file_hash)').get() as { n: number }).n).toBe(0);
        const runs = db.prepare('SELECT status FROM runs').all() as { status: string }[];
        expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
      });
      // Both finished the shared files between them: each one stored or skipped every file it scanned.
      for (const s of [appSummary, cliSummary]) expect(s.ingested + s.skippedExisting + s.skippedFailed + s.failed).toBe(s.scanned);
      console.info(`[two-writers] app ingested ${appSummary.ingested}, skipped ${appSummary.skippedExisting}; cli ingested ${cliSummary.ingested}, skipped ${cliSummary.skippedExisting}`);
    } finally {
      await service.close();
    }
  });
});

describe('a library held locked by another program', () => {
  it('a run whose writes find the database locked past busy_timeout ends without crashing, records its outcome once the lock goes, and the next run stores every file once', async () => {
    for (let i = 0; i < 20; i++) ws.write(`l${i}.txt`, letter(`Locked letter ${i}`));
    // A short busy_timeout stands in for a lock held longer than the real one (say a DB browser with an open write).
    const library = new Library(openDatabase(ws.dbPath, { busyTimeoutMs: 20 }));
    const engine = ws.engine({ library });
    const other = new Database(ws.dbPath);
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('uncaughtException', onUnhandled);
    process.on('unhandledRejection', onUnhandled);
    try {
      const run = engine.startRun(ws.options({ ocr: false, concurrency: 2 }));
      other.exec('BEGIN IMMEDIATE'); // the run row exists; everything after it finds the library locked
      setTimeout(() => other.exec('COMMIT'), 2_500); // past the first progress checkpoint (2 s)
      const s = await run.finished;
      expect(['completed', 'interrupted']).toContain(s.status);
      expect(library.runs.get(s.runId)?.status).toBe(s.status);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('uncaughtException', onUnhandled);
      process.off('unhandledRejection', onUnhandled);
      if (other.inTransaction) other.exec('COMMIT');
      other.close();
    }
    const again = await engine.ingest(ws.options({ ocr: false, skipFailed: false }));
    expect(again.status).toBe('completed');
    expect(library.documents.count()).toBe(20);
    expect(library.failed.count()).toBe(0);
  });
});
