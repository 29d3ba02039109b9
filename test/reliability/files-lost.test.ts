// Files lost or wrongly blamed (issue 12): a file replaced between hashing and extraction is
// never stored with one version's hash and the other's text; the same bytes under another
// extension are read their own way, not skipped; a paused run exits non-zero.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forkChild, type SpawnChild } from '../../src/main/extract';
import { startAiServer, type AiServer } from '../support/ai-server';
import { Workspace, letter } from '../support/workspace';
import type { FailedFile } from '../../src/shared/domain';
import { makeTextPng } from '../support/fixtures';
import { cli, withDb } from './support';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace('intake-lost-');
});
afterEach(async () => {
  await ws.close();
});

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** A text file over 256 KiB (so it is read by the extractor process, by path). */
function bigText(version: string): string {
  return letter(`Version ${version} of the annual report`) + `Paragraph of version ${version}, with enough words to be real text.\n`.repeat(5000);
}

describe('a file replaced between hashing and extraction', () => {
  it('is started again from its current bytes: the stored hash and text belong to the same version', async () => {
    const a = bigText('A');
    const b = bigText('B');
    const path = ws.write('report.txt', a);
    const replacement = `${ws.root}/replacement.txt`;
    writeFileSync(replacement, b);
    let swapped = 0;
    // The swap happens at the very moment the extractor is asked for the file (after hashing).
    const spawn: SpawnChild = (entry, args) => {
      const child = forkChild(entry, args);
      return {
        pid: child.pid,
        stderr: child.stderr,
        kill: () => child.kill(),
        onMessage: (fn) => child.onMessage(fn),
        onExit: (fn) => child.onExit(fn),
        send: (msg) => {
          if (msg.op === 'extractText' && msg.path === path && swapped === 0) {
            swapped++;
            renameSync(replacement, path); // atomic, like an editor saving
          }
          child.send(msg);
        },
      };
    };
    const e = ws.engine({ extractorOptions: { workers: 1, spawn } });
    const s = await e.ingest(ws.options({ ocr: false }));
    expect(swapped).toBe(1);
    expect(s).toMatchObject({ ingested: 1, failed: 0 });
    const doc = ws.library(e).documents.get(ws.library(e).documents.list(0, 1)[0].id)!;
    expect(doc.content).toContain('Version B');
    expect(doc.content).not.toContain('Version A');
    expect(ws.library(e).documents.idForHash(sha(b))).toBe(doc.id);
    expect(ws.library(e).documents.idForHash(sha(a))).toBeUndefined();
    expect(sha(readFileSync(path))).toBe(sha(b));
  });
});

describe('a failure belongs to the bytes and the way they were read', () => {
  it('a .txt with the same bytes as a failed .docx is ingested, not skipped; the .docx copies are skipped, none failed again', async () => {
    const bytes = Buffer.from(letter('Board meeting minutes', 'The board approved the budget for the coming year.'));
    ws.write('a-board.docx', bytes);
    const e = ws.engine();
    const first = await e.ingest(ws.options({ ocr: false }));
    expect(first).toMatchObject({ failed: 1, ingested: 0 });
    ws.write('b-board.txt', bytes);
    ws.write('c-board.docx', bytes);
    const second = await e.ingest(ws.options({ ocr: false }));
    expect(second).toMatchObject({ ingested: 1, failed: 0 });
    expect(second.skippedFailed + second.skippedExisting).toBe(2);
    const doc = ws.library(e).documents.get(ws.library(e).documents.list(0, 1)[0].id)!;
    expect(doc.filePath).toMatch(/b-board\.txt$/);
    expect(doc.content).toContain('approved the budget');
  });
});

describe('a copy skipped as a failed file', () => {
  it('has its own path recorded beside the failure: listed, and taken by reprocess, which files it under the document', async () => {
    const png = makeTextPng('Invoice number 4711 from the Example Company for office chairs and desks, total amount due 980 euros');
    const first = ws.write('scan.png', png);
    const copy = ws.write('x-copies/scan-copy.png', png);
    const env = { INTAKE_DATA_DIR: ws.dataDir };
    const run = await cli(['ingest', ws.docs, '--db', ws.dbPath, '--no-ocr', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ failed: 1, skippedFailed: 1 });

    // Seen: the row carries the copy's path, in JSON and in the list a person reads.
    const list = await cli(['failed', 'list', '--db', ws.dbPath, '--json'], { env });
    const rows = JSON.parse(list.stdout) as FailedFile[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ filePath: first, errorCode: 'text_insufficient', otherPaths: [copy] });
    const human = await cli(['failed', 'list', '--db', ws.dbPath], { env });
    expect(human.stdout).toContain(`also at ${copy}`);

    // Reprocessed with OCR on: the content is ingested and both paths are the document's.
    const re = await cli(['failed', 'reprocess', '--all', '--db', ws.dbPath, '--json'], { env });
    expect(re.code, re.stderr).toBe(0);
    expect(JSON.parse(re.stdout)).toMatchObject({ succeeded: 1, failedSame: 0, failedDifferent: 0, skipped: 0 });
    const after = await cli(['failed', 'list', '--db', ws.dbPath, '--json'], { env });
    expect(JSON.parse(after.stdout)).toEqual([]);
    const paths = withDb(ws.dbPath, (d) => (d.prepare('SELECT file_path FROM document_paths ORDER BY file_path').all() as { file_path: string }[]).map((r) => r.file_path));
    expect(paths).toEqual([copy, first].sort());
    expect(withDb(ws.dbPath, (d) => (d.prepare('SELECT count(*) AS n FROM failed_paths').get() as { n: number }).n)).toBe(0);
  }, 240_000);
});

describe('the exit code of a paused run', () => {
  let ai: AiServer;
  beforeAll(async () => {
    ai = await startAiServer({ apiKey: 'sk-right' });
  });
  afterAll(async () => {
    await ai.close();
  });

  it('a run paused by a rejected key exits 75 with the reason as one line on stderr; a completed run exits 0', async () => {
    for (let i = 0; i < 4; i++) ws.write(`l${i}.txt`, letter(`Letter ${i}`));
    const args = ['ingest', ws.docs, '--db', ws.dbPath, '--no-ocr', '--ai', 'openai', '--ai-base-url', ai.url, '--chat-model', 'test-chat', '--embed-model', 'test-embed', '--json'];
    const paused = await cli(args, { env: { OPENAI_API_KEY: 'sk-wrong', INTAKE_DATA_DIR: ws.dataDir } });
    expect(paused.code, paused.stderr).toBe(75);
    expect(JSON.parse(paused.stdout)).toMatchObject({ status: 'paused', failed: 0 });
    const line = paused.stderr.trim().split('\n');
    expect(line).toHaveLength(1);
    expect(line[0]).toMatch(/^intake: the run paused before finishing: .*key/i);
    const done = await cli(args, { env: { OPENAI_API_KEY: 'sk-right', INTAKE_DATA_DIR: ws.dataDir } });
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ status: 'completed', ingested: 4 });
  });
});
