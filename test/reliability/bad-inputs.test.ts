// The bad-input corpus: every hostile or broken file a folder can hold ends with the right
// stage, class, code and a readable reason — and the run goes on. Built by code (bad-corpus.ts).
import { appendFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileOutcome } from '../../src/main/engine/pipeline';
import type { RunSummary } from '../../src/shared/domain';
import { Workspace, letter } from '../support/workspace';
import { buildBadCorpus, type BadCase } from './bad-corpus';
import { binReadableByOthers, childPids, cli, withDb } from './support';

interface Row {
  stage: string;
  error_code: string;
  failure_class: string;
  reason: string;
  error_message: string;
  file_hash: string | null;
}

/** A reason a person can read: one short line, no stack, no "undefined". */
function expectReadable(reason: string, message: string): void {
  expect(reason.length).toBeGreaterThan(3);
  expect(reason.length).toBeLessThan(200);
  expect(reason).not.toMatch(/\n|\s+at\s|undefined|\[object|Error:/);
  expect(message.length).toBeGreaterThan(3);
  expect(message).not.toMatch(/\n\s+at\s/);
}

describe('a 200 MB text file', () => {
  it('is ingested from its start with bounded memory, hashed in full', async () => {
    const ws = new Workspace('intake-huge-');
    try {
      const big = join(ws.docs, 'huge.txt');
      const block = Buffer.from(letter('Huge export', 'A line of a very large export file. '.repeat(200)).repeat(16));
      const fd = openSync(big, 'w');
      let size = 0;
      while (size < 200 * 1024 * 1024) size += writeSync(fd, block);
      closeSync(fd);
      const engine = ws.engine();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      let childPeak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
        for (const pid of childPids(process.pid)) {
          try {
            const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
            childPeak = Math.max(childPeak, kb * 1024);
          } catch {
            // exited
          }
        }
      }, 10);
      let s: RunSummary;
      try {
        s = await engine.ingest(ws.options({ ocr: false, concurrency: 2 }));
      } finally {
        clearInterval(sampler);
      }
      expect(s).toMatchObject({ status: 'completed', ingested: 1, failed: 0 });
      const doc = ws.library(engine).documents.get(ws.library(engine).documents.list(0, 1)[0].id)!;
      expect(doc.size).toBe(size);
      expect(doc.content.startsWith('Huge export')).toBe(true);
      expect(doc.content.length).toBeLessThanOrEqual(2_000_000);
      const MB = 1024 * 1024;
      console.info(`[huge] ${Math.round(size / MB)} MB file: main RSS +${Math.round((peak - baseline) / MB)} MB, extractor peak ${Math.round(childPeak / MB)} MB`);
      expect(peak - baseline, 'main process RSS growth').toBeLessThan(250 * MB);
      expect(childPeak, 'extractor process RSS').toBeLessThan(400 * MB);
    } finally {
      await ws.close();
    }
  });
});

describe('the bad-input corpus in one run', () => {
  let ws: Workspace;
  let cases: BadCase[];
  let summary: RunSummary;
  const outcomes = new Map<string, FileOutcome>();

  beforeAll(async () => {
    ws = new Workspace('intake-bad-');
    cases = await buildBadCorpus(ws.docs);
    ws.write('control/first.txt', letter('Control letter one'));
    ws.write('zzz/last.txt', letter('Control letter two'));
    const engine = ws.engine();
    summary = await engine.ingest(ws.options({ ocr: true, ocrPageCap: 2, ocrTimeoutMs: 60_000, concurrency: 3 }), {
      onFileDone: (f) => {
        expect(outcomes.has(f.path), `${f.path} reported twice`).toBe(false);
        outcomes.set(f.path, f);
      },
    });
  }, 900_000); // a generous deadline: this one run reads the whole bad corpus, OCR included, and took over 300 s at load 25
  afterAll(async () => {
    await ws.close();
  });

  it('runs to completion, and the good files around the bad ones are ingested', () => {
    expect(summary.status).toBe('completed');
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const p of ['control/first.txt', 'zzz/last.txt']) expect(outcomes.get(join(ws.docs, p))?.status).toBe('ingested');
    const counted = cases.filter((c) => c.expect.outcome !== 'ignored').length + 2;
    expect(summary.scanned).toBe(counted);
    expect(summary.ingested + summary.failed + summary.skippedFailed + summary.unsupported + summary.skippedExisting).toBe(counted);
  });

  it('each kind ends as expected: stage, class, code and a readable reason', () => {
    const problems: string[] = [];
    withDb(ws.dbPath, (lib) => {
      const failedRow = lib.prepare('SELECT * FROM failed_files WHERE file_path = ?');
      const docRow = lib.prepare('SELECT d.content FROM documents d JOIN document_paths p ON p.document_id = d.id WHERE p.file_path = ?');
      for (const c of cases) {
        const path = join(ws.docs, c.rel);
        const row = failedRow.get(path) as Row | undefined;
        const doc = docRow.get(path) as { content: string } | undefined;
        const seen = outcomes.get(path);
        const where = `${c.kind} (${c.rel})`;
        try {
          switch (c.expect.outcome) {
            case 'failed':
              expect(seen?.status, where).toBe('failed');
              expect(row, where).toBeDefined();
              expect({ stage: row!.stage, code: row!.error_code, failureClass: row!.failure_class }, where).toEqual({
                stage: c.expect.stage,
                code: c.expect.code,
                failureClass: c.expect.failureClass,
              });
              expect(row!.reason, where).toMatch(c.expect.reason);
              expectReadable(row!.reason, row!.error_message);
              expect(doc, where).toBeUndefined();
              break;
            case 'ingested':
              expect(seen?.status, where).toBe('ingested');
              expect(doc, where).toBeDefined();
              if (c.expect.content) expect(doc!.content, where).toMatch(c.expect.content);
              expect(doc!.content).not.toContain('\uFFFD');
              expect(row, where).toBeUndefined();
              break;
            case 'skipped_failed': {
              expect(seen?.status, where).toBe('skipped_failed');
              expect(row, where).toBeUndefined();
              const first = failedRow.get(join(ws.docs, c.expect.sameAs)) as Row | undefined;
              expect(first?.file_hash, where).toBe((seen as { hash: string }).hash);
              break;
            }
            case 'unsupported':
              expect(seen?.status, where).toBe('unsupported');
              expect(row ?? doc, where).toBeUndefined();
              break;
            case 'ignored':
              expect(seen, where).toBeUndefined();
              expect(row ?? doc, where).toBeUndefined();
              break;
          }
        } catch (e) {
          problems.push(`${where}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      // Nothing outside the table was recorded (a loop followed into the corpus again, say).
      const paths = (lib.prepare('SELECT file_path FROM failed_files UNION ALL SELECT file_path FROM document_paths').all() as { file_path: string }[]).map((r) => r.file_path);
      expect(new Set(paths).size).toBe(paths.length);
    });
    expect(problems).toEqual([]);
  });

  it('leaves no extraction process stuck on a poisonous file', () => {
    // Children of this test process: the engine's extractor pool, bounded by its worker count.
    expect(childPids(process.pid).length).toBeLessThanOrEqual(4);
  });
});

describe('files that change under the run', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = new Workspace('intake-moving-');
  });
  afterAll(async () => {
    await ws.close();
  });

  it('a file deleted between scan and hash, and a symlink whose target is deleted, fail at hash as vanished; the run goes on', async () => {
    for (let i = 0; i < 20; i++) ws.write(`a${String(i).padStart(2, '0')}.txt`, letter(`Early letter ${i}`));
    const vanish = ws.write('zz-vanish.txt', letter('About to disappear'));
    const outside = join(ws.root, 'elsewhere');
    mkdirSync(outside);
    const target = join(outside, 'target.txt');
    writeFileSync(target, letter('Linked from the corpus'));
    const link = join(ws.docs, 'zz-link.txt');
    symlinkSync(target, link);
    const engine = ws.engine();
    let deleted = false;
    const run = engine.startRun(ws.options({ ocr: false, concurrency: 1 }), {
      onFileDone: () => {
        // The first file is done: the scan has long listed everything, and the last two are still queued.
        if (deleted) return;
        deleted = true;
        expect(run.progress().scanning).toBe(false);
        unlinkSync(vanish);
        unlinkSync(target);
      },
    });
    const s = await run.finished;
    expect(s).toMatchObject({ status: 'completed', ingested: 20, failed: 2, failedByStage: { hash: 2 } });
    const rows = ws.library(engine).failed.list({ offset: 0, limit: 10, sort: 'filename', dir: 'asc', filter: {} });
    expect(rows.map((r) => [r.filename, r.stage, r.errorCode, r.failureClass, r.fileHash])).toEqual([
      ['zz-link.txt', 'hash', 'file_vanished', 'input', null],
      ['zz-vanish.txt', 'hash', 'file_vanished', 'input', null],
    ]);
    for (const r of rows) {
      expect(r.reason).toBe('file vanished before it could be read');
      expectReadable(r.reason, r.errorMessage);
    }
  });

  it('a file that grows while it is hashed fails as busy (transient), and is ingested once it is still', async () => {
    const growing = ws.write('grow/growing.log', Buffer.alloc(0));
    // 24 MB of text to start with, so hashing takes a while; an appender keeps writing during the run.
    const fd = openSync(growing, 'a');
    const block = Buffer.from(letter('Growing log', 'line of a log file that keeps growing. '.repeat(20)));
    for (let written = 0; written < 24 * 1024 * 1024; written += block.length) writeSync(fd, block);
    closeSync(fd);
    ws.write('grow/steady.txt', letter('A steady letter'));
    const engine = ws.engine();
    let appending = true;
    const appender = setInterval(() => {
      if (appending) appendFileSync(growing, block);
    }, 1);
    let s: RunSummary;
    try {
      s = await engine.ingest({ ...ws.options({ ocr: false, concurrency: 2 }), paths: [join(ws.docs, 'grow')] }, {
        onFileDone: (f) => {
          if (f.path === growing) appending = false;
        },
      });
    } finally {
      clearInterval(appender);
    }
    expect(s).toMatchObject({ status: 'completed', ingested: 1, failed: 1, failedByStage: { hash: 1 } });
    const [row] = ws.library(engine).failed.list({ offset: 0, limit: 10, sort: 'filename', dir: 'asc', filter: {} });
    expect(row).toMatchObject({ filename: 'growing.log', stage: 'hash', errorCode: 'file_busy', failureClass: 'transient', fileHash: null });
    expectReadable(row.reason, row.errorMessage);

    // Still now: the next run takes it (an unhashed failure does not block by content) and clears the row.
    const again = await engine.ingest({ ...ws.options({ ocr: false }), paths: [join(ws.docs, 'grow')] });
    expect(again).toMatchObject({ ingested: 1, skippedExisting: 1, failed: 0 });
    expect(ws.library(engine).failed.count({ q: 'growing.log' })).toBe(0);
    const doc = ws.library(engine).documents.list(0, 10).find((d) => d.filename === 'growing.log')!;
    expect(doc.size).toBe(readFileSync(growing).length);
  });
});

describe('unreadable folders and files', () => {
  it('become failed rows at the hash stage (permission denied); as root, checked as the user "nobody"', async () => {
    const root = mkdtempSync(join(tmpdir(), 'intake-perm-'));
    const asRoot = process.getuid?.() === 0;
    const user = asRoot ? { uid: 65534, gid: 65534 } : {};
    try {
      chmodSync(root, 0o755);
      const docs = join(root, 'docs');
      const data = join(root, 'data');
      mkdirSync(join(docs, 'locked'), { recursive: true });
      mkdirSync(data);
      writeFileSync(join(docs, 'ok.txt'), letter('Readable by everyone'));
      writeFileSync(join(docs, 'locked', 'secret.txt'), letter('Locked away'));
      writeFileSync(join(docs, 'private.txt'), letter('Private letter'));
      chmodSync(join(docs, 'locked'), 0o000);
      chmodSync(join(docs, 'private.txt'), 0o000);
      if (asRoot) chownSync(data, 65534, 65534);
      const db = join(data, 'intake.db');
      // As "nobody", from a copy of the app that user can read, in a folder it can enter: the clone may sit in a 0700 folder.
      const r = await cli(['ingest', docs, '--db', db, '--no-ocr', '--json'], { ...user, env: { INTAKE_DATA_DIR: data, HOME: data }, bin: asRoot ? binReadableByOthers() : undefined, cwd: root });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ status: 'completed', ingested: 1, failed: 2, failedByStage: { hash: 2 } });
      const rows = withDb(db, (d) => d.prepare('SELECT file_path, stage, error_code, failure_class, reason, error_message, file_hash FROM failed_files ORDER BY file_path').all()) as (Row & { file_path: string })[];
      expect(rows.map((x) => [x.file_path, x.stage, x.error_code, x.failure_class, x.reason, x.file_hash])).toEqual([
        [join(docs, 'locked'), 'hash', 'file_unreadable', 'input', 'folder could not be read: permission denied', null],
        [join(docs, 'private.txt'), 'hash', 'file_unreadable', 'input', 'permission denied', null],
      ]);
      for (const x of rows) expectReadable(x.reason, x.error_message);
    } finally {
      chmodSync(join(root, 'docs', 'locked'), 0o755);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
