/**
 * Issue 10: what the screens show must be what the library holds, live. These go through the
 * real service (dispatch → handlers → engine → SQLite file), as the renderer does.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events } from '../../src/shared/contract';
import type { FailedFileDetail, RunRow } from '../../src/shared/domain';
import { callThrough } from '../support/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import type { IntakeService, Platform } from '../../src/main/app/service-api';
import { MIGRATIONS } from '../../src/main/db/migrations';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
let service: IntakeService;

const platform: Platform = {
  mode: 'browser',
  chooseFolder: async () => null,
  showInFolder: async () => undefined,
  openExternal: async () => undefined,
  secrets: { description: 'test', encrypt: (s) => Buffer.from(s), decrypt: (b) => Buffer.from(b).toString() },
};

beforeEach(async () => {
  ws = new Workspace('intake-truth-');
  service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform, allowedRoots: [ws.root] });
});
afterEach(async () => {
  await service.close();
  await ws.close();
});

function call<T = unknown>(channel: string, input: unknown): Promise<T> {
  return callThrough<T>(service.handlers, channel, input);
}

function nextEvent<E extends keyof Events>(event: E, when: (p: Events[E]) => boolean = () => true): Promise<Events[E]> {
  return new Promise((resolve) => {
    const off = service.on(event, (p) => {
      if (!when(p)) return;
      off();
      resolve(p);
    });
  });
}

async function ingest(): Promise<Events['run.finished']> {
  const finished = nextEvent('run.finished');
  await call('ingest.start', { paths: [ws.docs], ocr: false });
  return finished;
}

describe('every screen tells the truth', () => {
  it('a failed row keeps its id across a reset & reprocess that fails the same way; the detail shows the new attempt, run and history', async () => {
    ws.write('short.txt', 'hi');
    await ingest();
    const [row] = (await call<{ rows: { id: number }[] }>('failed.list', {})).rows;
    const before = await call<FailedFileDetail>('failed.get', { id: row.id });
    expect(before).toMatchObject({ attempts: 1 });

    const report = await call<{ runId: number; failedSame: number; outcomes: { id: number; outcome: string }[] }>('failed.reprocess', { ids: [row.id] });
    expect(report.failedSame).toBe(1);
    expect(report.outcomes[0]).toMatchObject({ id: row.id, outcome: 'failed_same' });

    // Same id: links, selection and the open pane survive; the pane re-reads this id and sees the new state.
    const after = await call<FailedFileDetail>('failed.get', { id: row.id });
    expect(after.attempts).toBe(2);
    expect(after.runId).toBe(report.runId);
    expect(after.runId).not.toBe(before.runId);
    expect(after.events.map((e) => e.kind)).toEqual(['failure', 'reset', 'failure']);
    expect((await call<{ rows: { id: number }[] }>('failed.list', {})).rows.map((r) => r.id)).toEqual([row.id]);

    // And again: still the same id.
    await call('failed.reprocess', { ids: [row.id] });
    expect(await call<FailedFileDetail>('failed.get', { id: row.id })).toMatchObject({ attempts: 3 });
  });

  it('a hashed failure takes over the unhashed row of the same path (one identity)', async () => {
    const lib = new Database(ws.dbPath);
    const p = ws.write('x.txt', 'hi');
    lib
      .prepare(
        `INSERT INTO failed_files (id, file_path, filename, file_hash, stage, reason, error_type, error_message, failed_at, attempts, first_failed_at, failure_class, error_code)
         VALUES (41, ?, 'x.txt', NULL, 'hash', 'file busy', 'file_busy', 'busy', 1, 1, 1, 'transient', 'file_busy')`,
      )
      .run(p);
    lib.close();
    const finished = nextEvent('run.finished');
    await call('ingest.start', { paths: [ws.docs], ocr: false, skipFailed: false });
    await finished;
    const rows = (await call<{ rows: { id: number; errorCode: string; attempts: number }[] }>('failed.list', {})).rows;
    expect(rows).toEqual([expect.objectContaining({ id: 41, errorCode: 'text_insufficient', attempts: 2 })]);
  });

  it('a reprocess cancelled before a file was tried leaves that file failed, under its id', async () => {
    for (let i = 0; i < 6; i++) ws.write(`s${i}.txt`, `hi ${i}`);
    await ingest();
    const ids = (await call<{ rows: { id: number }[] }>('failed.list', {})).rows.map((r) => r.id).sort();
    // Cancel the reprocess run as soon as it reports progress.
    const off = service.on('run.progress', (p) => {
      if (p.runId > 1) void call('ingest.cancel', { runId: p.runId }).catch(() => undefined);
    });
    const report = await call<{ succeeded: number; failedSame: number; skipped: number }>('failed.reprocess', { ids });
    off();
    const left = (await call<{ rows: { id: number }[] }>('failed.list', {})).rows.map((r) => r.id).sort();
    // Every file is still failed (tried and failed again, or not tried and restored): nothing was lost, no id changed.
    expect(left).toEqual(ids);
    expect(report.failedSame + report.skipped).toBe(6);
  });

  it('runs are stored in milliseconds and show one duration: the summary, the run list and the record agree', async () => {
    ws.write('a.txt', letter('Insurance renewal'));
    const summary = await ingest();
    const [run] = await call<RunRow[]>('runs.list', { limit: 1 });
    expect(run.startedAt).toBeGreaterThan(1e12); // milliseconds, not seconds
    expect(run.finishedAt! - run.startedAt).toBeGreaterThanOrEqual(run.durationMs!);
    expect(run.durationMs).toBe(summary.durationMs);
    const lib = new Database(ws.dbPath, { readonly: true });
    const raw = lib.prepare('SELECT started_at, finished_at, duration_ms FROM runs').get() as { started_at: number; finished_at: number; duration_ms: number };
    lib.close();
    expect(raw.duration_ms).toBe(summary.durationMs);
    expect(raw.started_at).toBe(run.startedAt);
  });

  it('the runs migration turns second timestamps of old runs into milliseconds and fills their duration', () => {
    const path = `${ws.root}/old.db`;
    const db = new Database(path);
    const runsMs = MIGRATIONS.findIndex((m) => m.includes('duration_ms'));
    for (const m of MIGRATIONS.slice(0, runsMs)) db.exec(m);
    db.pragma(`user_version = ${runsMs}`);
    db.prepare("INSERT INTO runs (started_at, finished_at, status) VALUES (1700000000, 1700000014, 'completed')").run();
    db.close();
    const engine = ws.engine({ library: path });
    const [run] = ws.library(engine).runs.list(1);
    expect(run).toMatchObject({ startedAt: 1_700_000_000_000, finishedAt: 1_700_000_014_000, durationMs: 14_000 });
  });

  it('during a run the failed count moves with the run card (failed.changed before run.finished); paused, the record holds the card’s counts', async () => {
    ws.write('0-bad.txt', Buffer.alloc(400, 0));
    // Enough files that the run is still going when the pause lands, however late the failure's event comes.
    for (let i = 0; i < 300; i++) ws.write(`doc-${String(i).padStart(3, '0')}.txt`, letter(`Letter number ${i}`));
    const changedMidRun = nextEvent('failed.changed', (p) => p.count > 0);
    let finishedYet = false;
    const finished = nextEvent('run.finished').then((s) => ((finishedYet = true), s));
    // The user presses Pause the moment the first failure shows. Pressed on failed.changed, sent as the
    // failure is recorded: a progress tick can come late under load, after the last of these small
    // files, and a run already over cannot be paused (the test would wait for a pause forever).
    let runId = 0;
    let failureSeen = false;
    let pausePressed = false;
    const pressPause = (): void => {
      if (pausePressed || !failureSeen || !runId) return;
      pausePressed = true;
      void service.handlers['ingest.pause']({ runId });
    };
    const offPause = service.on('failed.changed', (p) => {
      if (p.count === 0) return;
      offPause();
      failureSeen = true;
      pressPause();
    });
    // Listened for from the start: under load the run may be paused and idle before the next line runs.
    const idleSoon = new Promise<Events['run.progress']>((resolve, reject) => {
      const off = service.on('run.progress', (p) => {
        if (p.status === 'paused' && Object.keys(p.inStage).length === 0) {
          off();
          resolve(p);
        }
      });
      // A run that ends before the pause lands would leave this waiting forever: fail at once instead.
      void finished.then((sum) => reject(new Error(`the run ended (${sum.status}) before the pause took effect`)));
    });
    runId = (await call<{ runId: number }>('ingest.start', { paths: [ws.docs], ocr: false, concurrency: 1 })).runId;
    pressPause(); // the failure may have come before start answered
    const changed = await changedMidRun;
    expect(changed.count).toBe(1);
    expect(finishedYet).toBe(false);

    // Paused: once every worker is idle the card stops moving, and the record says the same.
    const idle = await idleSoon;
    const card = (await call<Events['run.progress']>('ingest.status', {}))!;
    expect(card.status).toBe('paused');
    expect(card.etaSec).toBeNull(); // no ETA while paused
    const [record] = await call<RunRow[]>('runs.list', { limit: 1 });
    expect(record.status).toBe('paused'); // the record, the run list and the Database screen say paused too
    expect(record.counts).toMatchObject({ ingested: idle.ingested, failed: idle.failed, skippedExisting: idle.skippedExisting });
    expect(record.counts).toMatchObject({ ingested: card.ingested, failed: card.failed });
    // Elapsed stands still while paused.
    const tick = await nextEvent('run.progress'); // the progress timer ticks on while paused
    expect(tick.elapsedMs).toBe(card.elapsedMs);
    const again = (await call<Events['run.progress']>('ingest.status', {}))!;
    expect(again.elapsedMs).toBe(card.elapsedMs);
    expect(finishedYet).toBe(false);
    await call('ingest.resume', { runId });
    expect(['running', 'completed']).toContain((await call<RunRow[]>('runs.list', { limit: 1 }))[0].status);
    const summary = await finished;
    expect((await call<RunRow[]>('runs.list', { limit: 1 }))[0].status).toBe('completed');
    expect(summary).toMatchObject({ failed: 1, ingested: 300 });
    expect(await call('failed.count', {})).toBe(1);
  });

  it('the preflight names the unsupported files; the run summary too', async () => {
    ws.write('a.txt', letter('Tax assessment'));
    ws.write('song.mp3', Buffer.from('ID3'));
    ws.write('archive.zip', Buffer.from('PK'));
    const pre = await call<{ unsupported: number; unsupportedFiles: { path: string; ext: string }[] }>('ingest.preflight', { paths: [ws.docs] });
    expect(pre.unsupported).toBe(2);
    expect(pre.unsupportedFiles.map((f) => f.ext).sort()).toEqual(['.mp3', '.zip']);
    const summary = await ingest();
    expect(summary.unsupportedFiles?.map((f) => f.path.split('/').pop()).sort()).toEqual(['archive.zip', 'song.mp3']);
  });

  it('an empty file fails as "file is empty", not as too little text', async () => {
    ws.write('empty.pdf', Buffer.alloc(0));
    await ingest();
    const rows = (await call<{ rows: { errorCode: string; reason: string }[] }>('failed.list', {})).rows;
    expect(rows).toEqual([expect.objectContaining({ errorCode: 'file_empty', reason: 'file is empty' })]);
  });

  it('runs.options records the models that ran, not the chat model of another provider', async () => {
    ws.write('a.txt', letter('Meeting notes'));
    await ingest();
    const [run] = await call<RunRow[]>('runs.list', { limit: 1 });
    const ai = run.options.ai as { provider: string; chatModel: string };
    expect(ai.provider).toBe('local');
    expect(ai.chatModel).not.toBe('gpt-4o-mini');
  });
});
