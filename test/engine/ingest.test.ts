import { chmodSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessExtractor } from '../../src/main/extract';
import { makeTextPdf } from '../support/fixtures';
import { isRunning } from '../support/process';
import { INVOICE, Workspace, letter } from '../support/workspace';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace();
});
afterEach(async () => {
  await ws.close();
});

describe('ingesting a folder with the local provider', () => {
  it('stores every readable document with its text, classification, chunks and search index', async () => {
    ws.write('invoice.txt', INVOICE);
    ws.write('letters/2024/insurance.md', letter('Insurance renewal'));
    ws.write('letters/notes.csv', 'name,amount,comment\nAlice,12,paid the electricity bill for March\nBob,30,paid the water bill for April\n');
    const engine = ws.engine();

    const summary = await engine.ingest(ws.options({ ocr: false }));

    expect(summary).toMatchObject({ status: 'completed', scanned: 3, ingested: 3, failed: 0, skippedExisting: 0, unsupported: 0 });
    const db = ws.library(engine).db;
    const invoice = db.prepare("SELECT * FROM documents WHERE filename = 'invoice.txt'").get() as Record<string, unknown>;
    expect(invoice).toMatchObject({ content_source: 'text', doc_type: 'invoice', ai_provider: 'local', mime_type: 'text/plain' });
    expect(String(invoice.content)).toContain('Total amount due');
    expect(invoice.doc_date).toBe('2024-03-15');
    const chunks = db.prepare('SELECT count(*) AS n, min(length(embedding)) AS bytes FROM chunks WHERE document_id = ?').get(invoice.id) as { n: number; bytes: number };
    expect(chunks.n).toBeGreaterThan(0);
    expect(chunks.bytes % 4).toBe(0);
    const found = await engine.searchDocuments('toner', { mode: 'keyword', offset: 0, limit: 10 });
    expect(found.rows.map((r) => r.filename)).toEqual(['invoice.txt']);
    const run = ws.library(engine).runs.get(summary.runId)!;
    expect(run.status).toBe('completed');
    expect(run.counts?.ingested).toBe(3);
    expect(run.finishedAt).not.toBeNull();
  });

  it('skips hidden and system files, counts unsupported ones, and survives a symlink loop', async () => {
    ws.write('a.txt', letter('Visible letter'));
    ws.write('.hidden.txt', letter('Hidden letter'));
    ws.write('.git/config.txt', letter('Hidden folder'));
    ws.write('Thumbs.db', 'junk');
    ws.write('song.mp3', 'ID3....');
    ws.write('archive.zip', 'PK....');
    mkdirSync(join(ws.docs, 'loop'));
    symlinkSync(ws.docs, join(ws.docs, 'loop', 'back-to-top'));
    symlinkSync(join(ws.docs, 'missing-target.txt'), join(ws.docs, 'dangling.txt'));

    const summary = await ws.engine().ingest(ws.options({ ocr: false }));

    expect(summary).toMatchObject({ ingested: 1, unsupported: 2, failed: 0, status: 'completed' });
  });

  it('a rerun over an unchanged folder skips everything as existing; a changed file is ingested again', async () => {
    const a = ws.write('a.txt', letter('First letter'));
    ws.write('b.txt', letter('Second letter'));
    const engine = ws.engine();
    await engine.ingest(ws.options({ ocr: false }));

    const again = await engine.ingest(ws.options({ ocr: false }));
    expect(again).toMatchObject({ ingested: 0, skippedExisting: 2, failed: 0 });

    writeFileSync(a, letter('First letter, corrected'));
    utimesSync(a, new Date(), new Date(Date.now() + 5000));
    const third = await engine.ingest(ws.options({ ocr: false }));
    expect(third).toMatchObject({ ingested: 1, skippedExisting: 1 });
    expect(ws.library(engine).documents.count()).toBe(3);
  });

  it('the same content at two paths is one document that remembers both paths', async () => {
    const text = letter('Duplicate letter');
    ws.write('one/copy.txt', text);
    ws.write('two/copy.txt', text);
    const engine = ws.engine();

    const s = await engine.ingest(ws.options({ ocr: false }));

    expect(s.ingested + s.skippedExisting).toBe(2);
    expect(s.ingested).toBe(1);
    const doc = ws.library(engine).documents.get(ws.library(engine).documents.list(0, 10)[0].id)!;
    expect(doc.paths.sort()).toEqual([join(ws.docs, 'one/copy.txt'), join(ws.docs, 'two/copy.txt')]);
  });

  it('records failures with stage, class, code and reason, and the run goes on', async () => {
    ws.write('good.txt', letter('A good letter'));
    ws.write('binary.txt', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)));
    ws.write('short.txt', 'ok');
    ws.write('empty.pdf', '');
    const engine = ws.engine();

    const s = await engine.ingest(ws.options({ ocr: false }));

    expect(s).toMatchObject({ ingested: 1, failed: 3 });
    expect(s.failedByStage).toEqual({ extract_text: 3 });
    const rows = ws.library(engine).failed.list({ offset: 0, limit: 10, sort: 'filename', dir: 'asc', filter: {} });
    const by = Object.fromEntries(rows.map((r) => [r.filename, r]));
    expect(by['binary.txt']).toMatchObject({ stage: 'extract_text', errorCode: 'text_binary', failureClass: 'input', attempts: 1 });
    expect(by['short.txt']).toMatchObject({ stage: 'extract_text', errorCode: 'text_insufficient', reason: 'insufficient text; OCR disabled', failureClass: 'content' });
    expect(by['empty.pdf']).toMatchObject({ stage: 'extract_text', errorCode: 'file_empty', failureClass: 'input' });
    for (const r of rows) {
      expect(r.fileHash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.runId).toBe(s.runId);
      expect(r.fingerprint).toMatchObject({ ocr: false, provider: 'local' });
      expect(r.failedAt).toBeGreaterThan(1_700_000_000);
    }
  });

  it('a previously failed file is skipped on the next run, and retried (attempts + 1) when skip-failed is off', async () => {
    ws.write('short.txt', 'tiny');
    const engine = ws.engine();
    await engine.ingest(ws.options({ ocr: false }));

    const second = await engine.ingest(ws.options({ ocr: false }));
    expect(second).toMatchObject({ skippedFailed: 1, failed: 0 });

    const third = await engine.ingest(ws.options({ ocr: false, skipFailed: false }));
    expect(third).toMatchObject({ skippedFailed: 0, failed: 1 });
    const [row] = ws.library(engine).failed.list({ offset: 0, limit: 10, sort: 'failed_at', dir: 'desc', filter: {} });
    expect(row.attempts).toBe(2);
    expect(row.firstFailedAt).toBeLessThanOrEqual(row.failedAt);
    expect(ws.library(engine).failureEvents.history(row.fileHash, row.filePath).filter((e) => e.kind === 'failure')).toHaveLength(2);
  });

  it('a file that failed is cleared from failed_files when it is later ingested, and history keeps it all', async () => {
    const p = ws.write('grows.txt', 'tiny');
    const engine = ws.engine();
    await engine.ingest(ws.options({ ocr: false }));
    const [row] = ws.library(engine).failed.list({ offset: 0, limit: 10, sort: 'failed_at', dir: 'desc', filter: {} });

    // The user fixes the file; same path, new content.
    writeFileSync(p, letter('Now a proper letter'));
    utimesSync(p, new Date(), new Date(Date.now() + 5000));
    const s = await engine.ingest(ws.options({ ocr: false }));

    expect(s.ingested).toBe(1);
    // The old content's failure stays (it is different content), keyed by its hash.
    expect(ws.library(engine).failed.count()).toBe(1);
    engine.reset([row.id]);
    expect(ws.library(engine).failed.count()).toBe(0);
    expect(ws.library(engine).failureEvents.history(row.fileHash, row.filePath).map((e) => e.kind).sort()).toEqual(['failure', 'reset']);
  });

  it('an unreadable folder and an unreadable file become failed rows at the hash stage (as a non-root user)', async () => {
    ws.write('ok.txt', letter('Readable'));
    const locked = ws.write('locked/secret.txt', letter('Locked away'));
    const lockedFile = ws.write('private.txt', letter('Private'));
    chmodSync(join(ws.docs, 'locked'), 0o000);
    chmodSync(lockedFile, 0o000);
    try {
      const engine = ws.engine();
      const s = await engine.ingest(ws.options({ ocr: false }));
      if (process.getuid?.() === 0) {
        // root reads everything: both are ingested, and nothing fails.
        expect(s).toMatchObject({ ingested: 3, failed: 0 });
      } else {
        expect(s).toMatchObject({ ingested: 1, failed: 2, failedByStage: { hash: 2 } });
        const rows = ws.library(engine).failed.list({ offset: 0, limit: 10, sort: 'filename', dir: 'asc', filter: {} });
        expect(rows.every((r) => r.errorCode === 'file_unreadable' && r.fileHash === null)).toBe(true);
      }
    } finally {
      chmodSync(join(ws.docs, 'locked'), 0o755);
      chmodSync(lockedFile, 0o644);
      void locked;
    }
  });

  it('a store failure leaves nothing half-written and is recorded at db_insert', async () => {
    ws.write('fine.txt', letter('Fine letter'));
    ws.write('poison.txt', letter('Poison letter'));
    const engine = ws.engine();
    ws.library(engine).db.exec(
      "CREATE TRIGGER poison BEFORE INSERT ON documents WHEN new.filename = 'poison.txt' BEGIN SELECT RAISE(ABORT, 'disk says no'); END;",
    );

    const s = await engine.ingest(ws.options({ ocr: false }));

    expect(s).toMatchObject({ ingested: 1, failed: 1, failedByStage: { db_insert: 1 } });
    const [row] = ws.library(engine).failed.list({ offset: 0, limit: 10, sort: 'failed_at', dir: 'desc', filter: {} });
    expect(row).toMatchObject({ filename: 'poison.txt', stage: 'db_insert', errorCode: 'db_error' });
    expect(row.errorMessage).toContain('disk says no');
    const orphans = ws.library(engine).db.prepare('SELECT count(*) AS n FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)').get() as { n: number };
    expect(orphans.n).toBe(0);
    expect(ws.library(engine).db.prepare("SELECT count(*) AS n FROM document_paths WHERE file_path LIKE '%poison.txt'").get()).toEqual({ n: 0 });
  });

  it('cancelling leaves untouched files for the next run, which finishes them exactly once', async () => {
    for (let i = 0; i < 300; i++) ws.write(`bulk/${String(i).padStart(3, '0')}.txt`, letter(`Letter number ${i}`, `Reference ${i}`));
    const engine = ws.engine();
    const run = engine.startRun(ws.options({ ocr: false, concurrency: 2 }), {
      onFileDone: () => {
        if (!cancelled) {
          cancelled = true;
          run.cancel('interrupted');
        }
      },
    });
    let cancelled = false;
    const first = await run.finished;
    expect(first.status).toBe('interrupted');
    expect(ws.library(engine).runs.get(first.runId)?.status).toBe('interrupted');
    expect(first.ingested).toBeLessThan(300);

    const second = await engine.ingest(ws.options({ ocr: false }));
    expect(second.status).toBe('completed');
    expect(ws.library(engine).documents.count()).toBe(300);
    expect(second.ingested + second.skippedExisting).toBe(300);
  });

  it('pause holds workers and resume lets them go on', async () => {
    for (let i = 0; i < 50; i++) ws.write(`p/${i}.txt`, letter(`Paused letter ${i}`));
    const engine = ws.engine();
    let pausedAt: (() => void) | null = null;
    const pausedNow = new Promise<void>((r) => (pausedAt = r));
    const run = engine.startRun(ws.options({ ocr: false, concurrency: 1 }), {
      onFileDone: () => {
        if (pausedAt) {
          run.pause();
          pausedAt();
          pausedAt = null;
        }
      },
    });
    await pausedNow;
    const doneAtPause = run.progress().done;
    // The worker finishes the file it holds; then nothing is in flight while paused.
    const deadline = Date.now() + 120_000;
    while (run.progress().current.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    const during = run.progress();
    expect(during.current).toEqual([]);
    expect(during.status).toBe('paused');
    // The worker finishes the file it holds, and takes no new one.
    expect(during.done).toBeLessThanOrEqual(doneAtPause + 1);
    expect(during.done).toBeLessThan(50);
    run.resume();
    const s = await run.finished;
    expect(s).toMatchObject({ status: 'completed', ingested: 50 });
  });

  it('an extractor replaced by a settings change during a run is closed once no run uses it', async () => {
    for (let i = 0; i < 6; i++) ws.write(`a/${i}.pdf`, await makeTextPdf([letter(`First batch letter ${i}`)]));
    for (let i = 0; i < 6; i++) ws.write(`b/${i}.pdf`, await makeTextPdf([letter(`Second batch letter ${i}`)]));
    const engine = ws.engine();
    const current = () => (engine as unknown as { extractorInstance: { extractor: ProcessExtractor } | null }).extractorInstance?.extractor;
    let first: ProcessExtractor | undefined;
    let sawFirst!: () => void;
    const started = new Promise<void>((r) => (sawFirst = r));
    const runA = engine.startRun(ws.options({ paths: [join(ws.docs, 'a')], ocr: false, concurrency: 1 }), {
      onFileDone: () => {
        first ??= current();
        sawFirst();
      },
    });
    await started;
    const oldPids = first!.pids();
    expect(oldPids.length).toBeGreaterThan(0);
    // A different page cap needs a new extractor while run A still holds the old one.
    const runB = engine.startRun(ws.options({ paths: [join(ws.docs, 'b')], ocr: false, ocrPageCap: 7 }));
    const [a, b] = await Promise.all([runA.finished, runB.finished]);
    expect(a.ingested + b.ingested).toBe(12);
    expect(current()).not.toBe(first);
    await expect.poll(() => first!.pids().length, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => oldPids.filter(isRunning), { timeout: 10_000 }).toEqual([]);
  });
});
