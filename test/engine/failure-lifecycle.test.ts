/**
 * The failure lifecycle behaviours a mutation check found unprotected: success after a failure
 * (no reset) clears the failed row; the stage filter of the failed-files list, with sorts and
 * combinations, through the real SQL; the skipped-failed count; and the skip check for known
 * content (a rerun makes no extraction and no AI call).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailedFile, RunOptions, Stage } from '../../src/shared/domain';
import type { Engine } from '../../src/main/engine/engine';
import { documentTextOf, startAiServer, type AiServer } from '../support/ai-server';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
let ai: AiServer;
/** Texts containing these words make the AI server fail that call. */
let failChat = true;
let failEmbed = true;

beforeEach(async () => {
  ws = new Workspace('intake-lifecycle-');
  ai = await startAiServer();
  failChat = true;
  failEmbed = true;
  ai.script((kind, body) => {
    const text = kind === 'chat' ? documentTextOf(body) : JSON.stringify(body);
    if (kind === 'chat' && failChat && text.includes('CLASSIFYFAIL')) return { status: 400, message: 'scripted classify failure' };
    if (kind === 'embeddings' && failEmbed && text.includes('EMBEDFAIL')) return { status: 400, message: 'scripted embeddings failure' };
    return undefined;
  });
});
afterEach(async () => {
  await ws.close();
  await ai.close();
});

function options(overrides: Partial<RunOptions> = {}): RunOptions {
  return ws.options({ ocr: false, ai: { provider: 'openai', baseUrl: ai.url, chatModel: 'm', embedModel: 'e', apiKey: 'k', timeoutMs: 30_000, maxRetries: 0 }, ...overrides });
}

/** Failures at four stages, and two good files. */
function corpus(): void {
  ws.write('good-1.txt', letter('Council tax', 'The council tax for the year is due in ten monthly instalments.'));
  ws.write('good-2.txt', letter('Garden', 'The hedge and the lawn will be trimmed in spring by the gardener.'));
  ws.write('binary.txt', Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)));
  ws.write('classify-a.txt', letter('Parcel', 'CLASSIFYFAIL a parcel notice about a delivery to the neighbour.'));
  ws.write('classify-b.txt', letter('Bank', 'CLASSIFYFAIL a bank statement for the savings account in March.'));
  ws.write('embed.txt', letter('Doctor', 'EMBEDFAIL an appointment letter from the doctor for a check-up.'));
}

async function run(engine: Engine, o: RunOptions) {
  return engine.startRun(o).finished;
}

const names = (rows: FailedFile[]) => rows.map((r) => r.filename);

describe('the failure lifecycle', () => {
  it('the stage filter: every stage, with every sort and direction, and combined with text and error code', async () => {
    corpus();
    const engine = ws.engine();
    const s = await run(engine, { ...options(), paths: [ws.docs, join(ws.docs, 'missing.txt')] });
    expect(s).toMatchObject({ ingested: 2, failed: 5 });
    const expected: Record<Stage, string[]> = {
      hash: ['missing.txt'],
      extract_text: ['binary.txt'],
      ocr: [],
      classify: ['classify-a.txt', 'classify-b.txt'],
      embeddings: ['embed.txt'],
      db_insert: [],
      unknown: [],
    };
    const failed = ws.library(engine).failed;
    for (const [stage, files] of Object.entries(expected) as [Stage, string[]][]) {
      for (const sort of ['failed_at', 'filename', 'stage', 'reason', 'attempts', 'error_code', 'first_failed_at'] as const) {
        for (const dir of ['asc', 'desc'] as const) {
          const page = failed.page({ filter: { stage }, sort, dir, limit: 100, offset: 0 } as never);
          expect(page.total, `${stage} ${sort} ${dir}`).toBe(files.length);
          expect([...names(page.rows)].sort(), `${stage} ${sort} ${dir}`).toEqual(files);
          expect(page.rows.every((r) => r.stage === stage)).toBe(true);
        }
      }
      const byName = failed.page({ filter: { stage }, sort: 'filename', dir: 'desc', limit: 100, offset: 0 } as never);
      expect(names(byName.rows)).toEqual([...files].sort().reverse());
    }
    expect(names(failed.page({ filter: { stage: 'classify', q: 'classify-b' }, sort: 'filename', dir: 'asc', limit: 100, offset: 0 } as never).rows)).toEqual(['classify-b.txt']);
    expect(failed.page({ filter: { stage: 'classify', errorCode: 'text_binary' }, sort: 'failed_at', dir: 'desc', limit: 100, offset: 0 } as never).total).toBe(0);
    expect(failed.page({ filter: { stage: 'extract_text', q: 'classify' }, sort: 'failed_at', dir: 'desc', limit: 100, offset: 0 } as never).total).toBe(0);
    const paged = [0, 1].map((offset) => names(failed.page({ filter: { stage: 'classify' }, sort: 'filename', dir: 'asc', limit: 1, offset } as never).rows));
    expect(paged).toEqual([['classify-a.txt'], ['classify-b.txt']]);
    expect(failed.page({ filter: {}, sort: 'failed_at', dir: 'desc', limit: 100, offset: 0 } as never).total).toBe(5);
    expect(Object.fromEntries(failed.groups({ stage: 'classify' } as never, {}).map((g: { errorCode: string; count: number }) => [g.errorCode, g.count]))).toEqual({ ai_bad_output: 2 });
  });

  it('skipped (failed) is counted exactly; success after a failure, without a reset, clears the failed row', async () => {
    corpus();
    const first = await run(ws.engine(), options());
    expect(first).toMatchObject({ ingested: 2, failed: 4, skippedFailed: 0 });

    // The AI server is fixed, but previously failed files are skipped by default: four, exactly.
    failChat = false;
    failEmbed = false;
    const skipping = await run(ws.engine(), options({ skipFailed: true }));
    expect(skipping).toMatchObject({ ingested: 0, failed: 0, skippedFailed: 4, skippedExisting: 2 });

    // --no-skip-failed: the AI answers now; the three AI failures become documents and their rows go.
    const engine = ws.engine();
    const retry = await run(engine, options({ skipFailed: false }));
    expect(retry).toMatchObject({ ingested: 3, failed: 1, skippedFailed: 0, skippedExisting: 2 });
    const left = ws.library(engine).failed.page({ filter: {}, sort: 'failed_at', dir: 'desc', limit: 100, offset: 0 } as never);
    expect(names(left.rows)).toEqual(['binary.txt']);
    expect(ws.library(engine).documents.count()).toBe(5);
    const events = ws.library(engine).db.prepare("SELECT kind FROM failure_events WHERE file_path LIKE '%classify-a.txt' ORDER BY id").all() as { kind: string }[];
    expect(events.map((e) => e.kind)).toEqual(['failure', 'success']);
  });

  it('a rerun over known content makes zero extraction calls and zero AI calls', async () => {
    ws.write('good-1.txt', letter('Council tax', 'The council tax for the year is due in ten monthly instalments.'));
    ws.write('good-2.txt', letter('Garden', 'The hedge and the lawn will be trimmed in spring by the gardener.'));
    const first = await run(ws.engine(), options());
    expect(first).toMatchObject({ ingested: 2 });
    expect(ai.calls.chat + ai.calls.embeddings).toBeGreaterThan(0);
    ai.resetCalls();
    // A fresh engine: its extractor is created on first use only.
    const engine = ws.engine();
    const again = await run(engine, options());
    expect(again).toMatchObject({ ingested: 0, skippedExisting: 2 });
    expect(ai.calls.chat).toBe(0);
    expect(ai.calls.embeddings).toBe(0);
    expect((engine as unknown as { extractorInstance: unknown }).extractorInstance).toBeNull();
    // The same bytes under a new name: hashed, known, still no extraction and no AI call.
    ws.write('copy/good-1.txt', letter('Council tax', 'The council tax for the year is due in ten monthly instalments.'));
    const copy = await run(engine, options());
    expect(copy).toMatchObject({ ingested: 0, skippedExisting: 3 });
    expect(ai.calls.chat + ai.calls.embeddings).toBe(0);
    expect((engine as unknown as { extractorInstance: unknown }).extractorInstance).toBeNull();
  });
});
