import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workspace, letter, INVOICE } from '../support/workspace';

const BIN = resolve(__dirname, '../../bin/intake.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would: a separate process, its own environment. */
function intake(args: string[], env: Record<string, string> = {}, opts: { onStdout?: (chunk: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, INTAKE_DATA_DIR: ws.dataDir, INTAKE_DB: '', OPENAI_API_KEY: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      opts.onStdout?.(String(d), child);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace('intake-cli-');
});
afterEach(async () => {
  await ws.close();
});

describe('intake CLI', () => {
  it('ingest --json prints exactly the summary object and exits 0, even with failed files', async () => {
    ws.write('invoice.txt', INVOICE);
    ws.write('letter.txt', letter('Council tax'));
    ws.write('bad.txt', Buffer.alloc(2000, 0));
    ws.write('photo.heic', 'not supported');

    const r = await intake(['ingest', ws.docs, '--db', ws.dbPath, '--no-ocr', '--json']);

    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const s = JSON.parse(lines[0]);
    for (const key of ['runId', 'scanned', 'ingested', 'skippedExisting', 'skippedFailed', 'unsupported', 'failed', 'failedByStage', 'durationMs']) {
      expect(s).toHaveProperty(key);
    }
    expect(s).toMatchObject({ scanned: 4, ingested: 2, failed: 1, unsupported: 1, skippedExisting: 0, failedByStage: { extract_text: 1 } });

    const again = await intake(['ingest', ws.docs, '--db', ws.dbPath, '--no-ocr']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Skipped \(failed\): +1\n/);
    expect(again.stdout).toMatch(/Skipped \(existing\): +2/);
  });

  it('failed list, reset and reprocess work on the same database', async () => {
    ws.write('tiny.txt', 'tiny');
    ws.write('nul.txt', Buffer.alloc(100, 0));
    await intake(['ingest', ws.docs, '--db', ws.dbPath, '--no-ocr', '--json']);

    const list = await intake(['failed', 'list', '--db', ws.dbPath, '--json']);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { id: number; filename: string; stage: string; fileHash: string }[];
    expect(rows.map((r) => r.filename).sort()).toEqual(['nul.txt', 'tiny.txt']);

    const human = await intake(['failed', 'list', '--db', ws.dbPath, '--stage', 'extract_text']);
    expect(human.stdout).toContain('2 failed files');
    expect(human.stdout).toContain('insufficient text; OCR disabled');

    const tiny = rows.find((r) => r.filename === 'tiny.txt')!;
    const reset = await intake(['failed', 'reset', tiny.fileHash, '--db', ws.dbPath]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('Reset 1 failed file');

    const nul = rows.find((r) => r.filename === 'nul.txt')!;
    const re = await intake(['failed', 'reprocess', String(nul.id), '--db', ws.dbPath, '--json']);
    expect(re.code, re.stderr).toBe(0);
    const report = JSON.parse(re.stdout);
    expect(report).toMatchObject({ failedSame: 1, succeeded: 0 });

    const db = new Database(ws.dbPath, { readonly: true });
    const left = db.prepare('SELECT filename, attempts FROM failed_files').all();
    db.close();
    expect(left).toEqual([{ filename: 'nul.txt', attempts: 2 }]);
  });

  it('bad arguments give one clear line, exit 1, and write nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['ingest'], /needs at least one file or folder/],
      [['ingest', join(ws.root, 'nope')], /no such file or folder/],
      [['ingest', ws.docs, '--concurrency', 'lots'], /--concurrency must be a whole number/],
      [['ingest', ws.docs, '--concurrency', '0'], /--concurrency/],
      [['ingest', ws.docs, '--ai', 'skynet'], /--ai must be "local" or "openai"/],
      [['ingest', ws.docs, '--ai', 'openai'], /OPENAI_API_KEY is not set/],
      [['ingest', ws.docs, '--ai-base-url', 'ftp://x'], /--ai-base-url/],
      [['ingest', ws.docs, '--frobnicate'], /^intake: ingest does not take --frobnicate \(see: intake ingest --help\)\n$/],
      [['failed', 'list', '--all'], /^intake: failed list does not take --all \(see: intake failed --help\)\n$/],
      [['search', 'x', '--limit'], /^intake: --limit needs a value/],
      [['failed', 'list', '--stage', 'nonsense'], /--stage must be one of/],
      [['failed', 'reset'], /exactly one of them/],
      [['failed', 'reset', "1; DROP TABLE documents"], /neither a failed-file id nor a SHA-256 hash/],
      [['failed', 'explode'], /needs list, reset or reprocess/],
      [['launch'], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const r = await intake([...args, '--db', ws.dbPath]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(ws.dbPath)).toBe(false);
  });

  it('Ctrl-C stops cleanly: exit 130 and the run recorded as interrupted', async () => {
    for (let i = 0; i < 3000; i++) ws.write(`many/${i}.txt`, letter(`Letter ${i}`, `Reference number ${i}`));
    const child = spawn(process.execPath, [BIN, 'ingest', ws.docs, '--db', ws.dbPath, '--no-ocr', '--concurrency', '1'], {
      env: { ...process.env, INTAKE_DATA_DIR: ws.dataDir },
    });
    const closed = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    // Wait for the run to be under way (documents are being stored), then press Ctrl-C.
    const deadline = Date.now() + 30_000;
    let stored = 0;
    while (Date.now() < deadline && stored === 0) {
      await new Promise((r) => setTimeout(r, 100));
      if (!existsSync(ws.dbPath)) continue;
      try {
        const db = new Database(ws.dbPath, { readonly: true, fileMustExist: true });
        stored = (db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
        db.close();
      } catch {
        stored = 0; // schema not created yet
      }
    }
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    const db = new Database(ws.dbPath, { readonly: true });
    const last = db.prepare('SELECT status, counts FROM runs ORDER BY id DESC LIMIT 1').get() as { status: string; counts: string };
    const docs = (db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    db.close();
    expect(last.status).toBe('interrupted');
    expect(docs).toBeGreaterThan(0);
    expect(docs).toBeLessThan(3000);
    expect(JSON.parse(last.counts).ingested).toBe(docs);
  });

  it('Ctrl-C while the sentence encoder embeds: stops after the current batch with 130, the documents kept and the rest of the chunks left pending', async () => {
    for (let i = 0; i < 200; i++) ws.write(`notes/${i}.txt`, letter(`Letter ${i}`, `Reference number ${i} about the garden fence and the neighbours' hedge`));
    // The real encoder (the tests otherwise use the hashed vectors): ≈ 200 chunks take it far longer than a Ctrl-C.
    const child = spawn(process.execPath, [BIN, 'ingest', ws.docs, '--db', ws.dbPath, '--no-ocr'], {
      env: { ...process.env, INTAKE_DATA_DIR: ws.dataDir, INTAKE_ENCODER: '' },
    });
    let stderr = '';
    const embedding = new Promise<void>((res) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/Embedding \d+ chunks/.test(stderr)) res();
      }),
    );
    const closed = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    await Promise.race([embedding, closed]);
    child.kill('SIGINT');
    expect(await closed, stderr).toBe(130);
    expect(stderr).toMatch(/Stopping after the current batch/);
    const db = new Database(ws.dbPath, { readonly: true });
    const docs = (db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    const pending = (db.prepare('SELECT count(*) AS n FROM chunks WHERE embedding IS NULL').get() as { n: number }).n;
    const last = db.prepare('SELECT status FROM runs ORDER BY id DESC LIMIT 1').get() as { status: string };
    db.close();
    expect(docs).toBe(200);
    expect(last.status).toBe('completed');
    expect(pending).toBeGreaterThan(0);
  });

  it('--watch ingests a new file once it stops changing, prints one summary per run, and Ctrl-C ends it with 130', async () => {
    ws.write('first.txt', letter('First letter'));
    const child = spawn(process.execPath, [BIN, 'ingest', ws.docs, '--db', ws.dbPath, '--no-ocr', '--watch', '--json'], {
      env: { ...process.env, INTAKE_DATA_DIR: ws.dataDir },
    });
    const summaries: { ingested: number }[] = [];
    let buffer = '';
    let wrote = false;
    const gotTwo = new Promise<void>((resolveTwo) => {
      child.stdout.on('data', (d) => {
        buffer += d;
        let nl;
        while ((nl = buffer.indexOf('\n')) !== -1) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.startsWith('{')) summaries.push(JSON.parse(line));
        }
        if (summaries.length === 1 && !wrote) {
          wrote = true;
          ws.write('later/second.txt', letter('Second letter, dropped in while watching'));
        }
        if (summaries.length >= 2) resolveTwo();
      });
    });
    const closed = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    await gotTwo;
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(summaries.map((s) => s.ingested)).toEqual([1, 1]);
  });
});
