// The AI fault matrix at run level: what a whole ingestion run does when the OpenAI-compatible
// endpoint misbehaves. The provider's own retry rules are tested in test/ai; here every case
// asserts the run's outcome, the rows it leaves, and the number of requests it spent.
import { beforeEach, describe, expect, it } from 'vitest';
import { httpFetch } from '../../src/main/ai/http-fetch';
import { MAX_RESPONSE_BYTES } from '../../src/main/ai/openai';
import type { AiSettings, RunSummary } from '../../src/shared/domain';
import type { AiFault } from '../support/ai-server';
import { useAiServer } from '../support/use-ai-server';
import { letter } from '../support/workspace';

/** Every HTTP attempt the provider made, refused connections included (the server cannot count those). */
let attempts: number;

const MAX_TRIES = 4; // maxRetries 3 + the first call

/** The provider's own transport (node:http, answers read whole and capped), counted. */
const transport = httpFetch(MAX_RESPONSE_BYTES);
const countingFetch: typeof fetch = (input, init) => {
  attempts++;
  return transport(input, init);
};

const t = useAiServer({ workspace: 'intake-aifault-', timeoutMs: 30_000, maxRetries: MAX_TRIES - 1, backoff: { baseDelayMs: 2, maxDelayMs: 10 }, fetch: countingFetch });
const { openai, engine } = t;
beforeEach(() => {
  attempts = 0;
});

function letters(n: number): void {
  for (let i = 0; i < n; i++) t.ws.write(`l${String(i).padStart(2, '0')}.txt`, letter(`Letter number ${i}`, `Customer reference ${i * 13}`));
}

async function ingest(n: number, over: Partial<AiSettings> = {}, concurrency = 2): Promise<{ s: RunSummary; e: ReturnType<typeof engine> }> {
  letters(n);
  const e = engine();
  const s = await e.ingest(t.ws.options({ ocr: false, concurrency, ai: openai(over) }));
  return { s, e };
}

function failedRows(e: ReturnType<typeof engine>) {
  return t.ws.library(e).failed.list({ offset: 0, limit: 100, sort: 'filename', dir: 'asc', filter: {} });
}

describe('AI faults during a run: the run outcome and the calls it cost', () => {
  it('429 with Retry-After: the wait is honoured, every file is ingested, one extra call per 429', async () => {
    t.ai.script([{ rateLimit: { retryAfterMs: 40 } }, { rateLimit: { retryAfterSec: 0 } }], 'chat');
    const t0 = Date.now();
    const { s, e } = await ingest(3);
    expect(s).toMatchObject({ status: 'completed', ingested: 3, failed: 0 });
    expect(t.ai.calls.chat).toBe(3 + 2);
    expect(t.ai.calls.embeddings).toBe(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    expect(t.ws.library(e).failed.count()).toBe(0);
  });

  it('a rate limit that does not end (Retry-After of an hour): the run pauses, nothing is failed, a few calls at most', async () => {
    t.ai.script(() => ({ rateLimit: { retryAfterSec: 3600 } }));
    const { s, e } = await ingest(10);
    expect(s.status).toBe('paused');
    expect(s.message).toMatch(/rate|wait/i);
    expect(s.failed).toBe(0);
    expect(t.ws.library(e).failed.count()).toBe(0);
    expect(t.ws.library(e).documents.count()).toBe(0);
    expect(t.ai.calls.chat).toBeLessThanOrEqual(3);
    expect(t.ai.calls.embeddings).toBe(0);
  });

  const permanentPerFile: [string, AiFault, string, string, number][] = [
    // name, fault on every chat call, code, class, chat calls per file
    ['malformed JSON', 'malformed_json', 'ai_bad_output', 'content', 2],
    ['schema-violating JSON', 'schema_violation', 'ai_bad_output', 'content', 2],
    ['empty content', 'empty_content', 'ai_bad_output', 'content', 2],
  ];
  it.each(permanentPerFile)('%s on every answer: each file fails at classify with its code and class after a bounded number of calls', async (_name, fault, code, failureClass, perFile) => {
    t.ai.script((kind) => (kind === 'chat' ? fault : undefined));
    const { s, e } = await ingest(3);
    expect(s).toMatchObject({ status: 'completed', ingested: 0, failed: 3, failedByStage: { classify: 3 } });
    expect(t.ai.calls.chat).toBe(3 * perFile);
    expect(t.ai.calls.embeddings).toBe(0);
    const rows = failedRows(e);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r).toMatchObject({ stage: 'classify', errorCode: code, failureClass, attempts: 1 });
      expect(r.fileHash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.reason.length).toBeGreaterThan(5);
      expect(r.reason).not.toMatch(/\n|\s+at\s/);
    }
    // skip-failed: the next run costs nothing.
    t.ai.resetCalls();
    const again = await e.ingest(t.ws.options({ ocr: false, concurrency: 2, ai: openai() }));
    expect(again).toMatchObject({ skippedFailed: 3, failed: 0 });
    expect(t.ai.calls.chat + t.ai.calls.embeddings).toBe(0);
  });

  it('a server that hangs past the timeout: ai_timeout after exactly the allowed tries per file', async () => {
    t.ai.script((kind) => (kind === 'chat' ? 'hang' : undefined));
    const { s, e } = await ingest(2, { timeoutMs: 250 });
    expect(s).toMatchObject({ status: 'completed', failed: 2, failedByStage: { classify: 2 } });
    expect(t.ai.calls.chat).toBe(2 * MAX_TRIES);
    for (const r of failedRows(e)) expect(r).toMatchObject({ errorCode: 'ai_timeout', failureClass: 'transient' });
  });

  it('a connection reset once is retried and the file ingested', async () => {
    t.ai.script(['reset'], 'chat');
    const { s } = await ingest(2);
    expect(s).toMatchObject({ status: 'completed', ingested: 2, failed: 0 });
    expect(t.ai.calls.chat).toBe(3);
  });

  it('connections reset on every call: the endpoint counts as down, the run pauses, nothing is failed', async () => {
    t.ai.script(() => 'reset');
    const { s, e } = await ingest(8, {}, 1);
    expect(s.status).toBe('paused');
    expect(s.failed).toBe(0);
    expect(t.ws.library(e).failed.count()).toBe(0);
    expect(t.ai.calls.chat).toBe(3 * MAX_TRIES);
  });

  it('an invalid API key (401): paused at once with a message, nothing failed, exactly 1 call — even with 4 workers', async () => {
    t.ai.script(() => 'unauthorized');
    const { s, e } = await ingest(8, {}, 4);
    expect(s.status).toBe('paused');
    expect(s.message).toMatch(/key/i);
    expect(s.failed).toBe(0);
    expect(t.ws.library(e).failed.count()).toBe(0);
    expect(t.ws.library(e).documents.count()).toBe(0);
    expect(t.ai.calls.chat + t.ai.calls.embeddings).toBe(1);
    expect(attempts).toBe(1);
    expect(t.ws.library(e).runs.get(s.runId)).toMatchObject({ status: 'paused' });
  });

  it('a missing model (404): paused with the model named, nothing failed, exactly 1 call', async () => {
    t.ai.script((kind) => (kind === 'chat' ? 'model_not_found' : undefined));
    const { s, e } = await ingest(5, {}, 3);
    expect(s.status).toBe('paused');
    expect(s.message).toContain('test-chat');
    expect(t.ws.library(e).failed.count()).toBe(0);
    expect(t.ai.calls.chat).toBe(1);
  });

  it('an endpoint that refuses every connection from the start: paused after 3 files, bounded attempts, nothing failed', async () => {
    await t.ai.down();
    const { s, e } = await ingest(20, {}, 4);
    expect(s.status).toBe('paused');
    expect(s.message).toMatch(/unreachable/);
    expect(t.ws.library(e).failed.count()).toBe(0);
    expect(attempts).toBeLessThanOrEqual(4 * MAX_TRIES);
  });

  it('an endpoint that goes down mid-run: paused, not failed; the files before it are ingested; the next run finishes the rest once', async () => {
    letters(30);
    const e = engine();
    let downAt = -1;
    const run = e.startRun(t.ws.options({ ocr: false, concurrency: 2, ai: openai() }), {
      onFileDone: (f) => {
        if (f.status === 'ingested' && downAt < 0 && run.progress().ingested >= 10) {
          downAt = attempts;
          void t.ai.down();
        }
      },
    });
    const s = await run.finished;
    expect(s.status).toBe('paused');
    expect(s.message).toMatch(/unreachable/);
    expect(s.failed).toBe(0);
    expect(s.ingested).toBeGreaterThanOrEqual(10);
    expect(t.ws.library(e).failed.count()).toBe(0);
    expect(t.ws.library(e).documents.count()).toBe(s.ingested);
    // Once it was down: at most the in-flight files and the 3-file streak, each with its tries.
    expect(attempts - downAt).toBeLessThanOrEqual((3 + 2) * MAX_TRIES);
    expect(t.ws.library(e).runs.get(s.runId)?.status).toBe('paused');

    await t.ai.up();
    t.ai.resetCalls();
    const rest = await e.ingest(t.ws.options({ ocr: false, concurrency: 2, ai: openai() }));
    expect(rest).toMatchObject({ status: 'completed', failed: 0 });
    expect(rest.ingested + rest.skippedExisting).toBe(30);
    expect(rest.ingested).toBe(30 - s.ingested);
    expect(t.ai.calls.chat).toBe(rest.ingested);
    expect(t.ws.library(e).documents.count()).toBe(30);
  });

  it('fewer than 3 files finding the endpoint down are recorded with the real code and stage, not left in limbo', async () => {
    // Two files, both refused: below the pause limit, so they are genuine failures at the end.
    await t.ai.down();
    const { s, e } = await ingest(2, {}, 1);
    expect(s.status).toBe('completed');
    expect(s.failed).toBe(2);
    const rows = failedRows(e);
    expect(rows.map((r) => [r.stage, r.errorCode, r.failureClass])).toEqual([
      ['classify', 'ai_connection', 'transient'],
      ['classify', 'ai_connection', 'transient'],
    ]);
    for (const r of rows) expect(r.fileHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a streak shorter than the pause limit keeps each file\'s own stage and code (embeddings reset, rate limit)', async () => {
    t.ai.script((kind, _body, n) => (kind === 'embeddings' ? 'reset' : kind === 'chat' && n > 1 ? { rateLimit: { retryAfterSec: 3600 } } : undefined));
    const { s, e } = await ingest(2, {}, 1);
    expect(s).toMatchObject({ status: 'completed', failed: 2 });
    // With one classify slot a server run keeps a second worker reading ahead, so either letter may
    // be classified first: that one fails at its embeddings, the other at its own classify.
    const rows = failedRows(e);
    expect(rows.map((r) => r.filename)).toEqual(['l00.txt', 'l01.txt']);
    expect(rows.map((r) => [r.stage, r.errorCode]).sort()).toEqual([
      ['classify', 'ai_rate_limited'],
      ['embeddings', 'ai_connection'],
    ]);
    expect(t.ai.calls.embeddings).toBe(MAX_TRIES);
    expect(t.ai.calls.chat).toBe(2);
  });

  it('embeddings failing on every call are recorded at the embeddings stage, with bounded calls', async () => {
    t.ai.script((kind) => (kind === 'embeddings' ? 'server_error' : undefined));
    const { s, e } = await ingest(2);
    expect(s).toMatchObject({ failed: 2, failedByStage: { embeddings: 2 } });
    expect(t.ai.calls.chat).toBe(2);
    expect(t.ai.calls.embeddings).toBe(2 * MAX_TRIES);
    for (const r of failedRows(e)) expect(r).toMatchObject({ stage: 'embeddings', errorCode: 'ai_server_error' });
  });
});
