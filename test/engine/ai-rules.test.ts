import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAiProvider } from '../../src/main/ai';
import type { AiSettings } from '../../src/shared/domain';
import { startAiServer, type AiServer } from '../support/ai-server';
import { makeTextPdf } from '../support/fixtures';
import { INVOICE, Workspace, letter } from '../support/workspace';

let ai: AiServer;
let ws: Workspace;
beforeAll(async () => {
  ai = await startAiServer();
});
afterAll(async () => {
  await ai.close();
});
beforeEach(() => {
  ws = new Workspace('intake-ai-');
  ai.clearScript();
  ai.resetCalls();
});
afterEach(async () => {
  await ws.close();
});

function openaiSettings(): AiSettings {
  return { provider: 'openai', baseUrl: ai.url, chatModel: 'test-chat', embedModel: 'test-embed', apiKey: 'sk-test', timeoutMs: 2000, maxRetries: 3 };
}

/** An engine whose OpenAI-compatible provider backs off in milliseconds, not seconds. */
function engine() {
  return ws.engine({ createProvider: (s) => createAiProvider(s, { retry: { baseDelayMs: 5, maxDelayMs: 20 } }) });
}

describe('classification and embeddings through an OpenAI-compatible server', () => {
  it('stores the model’s classification and embeddings', async () => {
    ws.write('invoice.txt', INVOICE);
    const e = engine();
    const s = await e.ingest(ws.options({ ocr: false, ai: openaiSettings() }));
    expect(s).toMatchObject({ ingested: 1, failed: 0 });
    const doc = ws.library(e).documents.get(ws.library(e).documents.list(0, 1)[0].id)!;
    expect(doc).toMatchObject({ aiProvider: 'openai', aiModel: 'test-chat', title: 'Invoice INV-2024-0042' });
    expect(doc.chunkCount).toBeGreaterThan(0);
    expect(ai.calls.chat).toBe(1);
    expect(ai.calls.embeddings).toBe(1);
  });

  it('a previously failed file costs no AI call on the next run (skip-failed)', async () => {
    ws.write('letter.txt', letter('Rent increase'));
    ai.script((kind) => (kind === 'chat' ? 'malformed_json' : undefined));
    const e = engine();
    const first = await e.ingest(ws.options({ ocr: false, ai: openaiSettings() }));
    expect(first).toMatchObject({ failed: 1, failedByStage: { classify: 1 } });
    const [row] = ws.library(e).failed.list({ offset: 0, limit: 1, sort: 'failed_at', dir: 'desc', filter: {} });
    expect(row).toMatchObject({ stage: 'classify', errorCode: 'ai_bad_output' });

    ai.resetCalls();
    const second = await e.ingest(ws.options({ ocr: false, ai: openaiSettings() }));
    expect(second).toMatchObject({ skippedFailed: 1, failed: 0 });
    expect(ai.calls.chat + ai.calls.embeddings).toBe(0);
  });

  it('AI fails and OCR is off: failed at classify, without an OCR retry', async () => {
    ws.write('statement.pdf', await makeTextPdf(['Bank statement for March 2024. Opening balance 1,200.00 EUR. Closing balance 1,450.00 EUR.']));
    ai.script((kind) => (kind === 'chat' ? 'malformed_json' : undefined));
    const e = engine();
    const s = await e.ingest(ws.options({ ocr: false, ai: openaiSettings() }));
    expect(s.failedByStage).toEqual({ classify: 1 });
    const [row] = ws.library(e).failed.list({ offset: 0, limit: 1, sort: 'failed_at', dir: 'desc', filter: {} });
    expect(row.reason).not.toContain('after OCR');
    expect(ai.calls.chat).toBe(2); // the first answer and one re-ask
  });

  it('AI fails on a text layer with OCR on: the file is OCR’d and the AI tried once more; failing again says "after OCR"', async () => {
    ws.write('statement.pdf', await makeTextPdf(['Bank statement for March 2024. Opening balance 1,200.00 EUR. Closing balance 1,450.00 EUR.']));
    ai.script((kind) => (kind === 'chat' ? 'malformed_json' : undefined));
    const e = engine();
    const s = await e.ingest(ws.options({ ocr: true, ai: openaiSettings() }));
    expect(s.failedByStage).toEqual({ classify: 1 });
    const [row] = ws.library(e).failed.list({ offset: 0, limit: 1, sort: 'failed_at', dir: 'desc', filter: {} });
    expect(row.reason).toContain('after OCR');
    expect(row.errorCode).toBe('ai_bad_output');
    expect(ai.calls.chat).toBe(4); // (answer + re-ask) on the text layer, then on the OCR text
  });

  it('AI fails on the text layer but succeeds on the OCR text: ingested from OCR', async () => {
    ws.write('scan.pdf', await makeTextPdf(['Invoice number 77 from Example Traders. Amount due 99 EUR, payable by bank transfer.']));
    ai.script(['malformed_json', 'malformed_json'], 'chat');
    const e = engine();
    const s = await e.ingest(ws.options({ ocr: true, ai: openaiSettings() }));
    expect(s).toMatchObject({ ingested: 1, failed: 0 });
    const doc = ws.library(e).documents.get(ws.library(e).documents.list(0, 1)[0].id)!;
    expect(doc.contentSource).toBe('ocr');
  });

  it('transient errors are retried; a 429 with Retry-After is waited out', async () => {
    ws.write('a.txt', letter('Water bill'));
    ai.script(['unavailable', { rateLimit: { retryAfterMs: 50 } }], 'chat');
    const e = engine();
    const s = await e.ingest(ws.options({ ocr: false, ai: openaiSettings() }));
    expect(s).toMatchObject({ ingested: 1, failed: 0 });
    expect(ai.calls.chat).toBe(3);
  });

  it('5xx after every retry: failed at classify with a transient class', async () => {
    ws.write('a.txt', letter('Gas bill'));
    ai.script((kind) => (kind === 'chat' ? 'server_error' : undefined));
    const e = engine();
    const s = await e.ingest(ws.options({ ocr: false, ai: openaiSettings() }));
    expect(s.failedByStage).toEqual({ classify: 1 });
    const [row] = ws.library(e).failed.list({ offset: 0, limit: 1, sort: 'failed_at', dir: 'desc', filter: {} });
    expect(row).toMatchObject({ errorCode: 'ai_server_error', failureClass: 'transient' });
    expect(ai.calls.chat).toBe(4);
  });

  it('embedding failures are recorded at the embeddings stage', async () => {
    ws.write('a.txt', letter('Phone bill'));
    ai.script((kind) => (kind === 'embeddings' ? 'empty_content' : undefined));
    const e = engine();
    const s = await e.ingest(ws.options({ ocr: false, ai: openaiSettings() }));
    expect(s.failedByStage).toEqual({ embeddings: 1 });
    expect(ws.library(e).documents.count()).toBe(0);
  });

  it('an endpoint that is down pauses the run after 3 files and marks none of them failed', async () => {
    for (let i = 0; i < 10; i++) ws.write(`l${i}.txt`, letter(`Letter ${i}`));
    await ai.down();
    try {
      const e = engine();
      const s = await e.ingest(ws.options({ ocr: false, concurrency: 1, ai: openaiSettings() }));
      expect(s.status).toBe('paused');
      expect(s.message).toMatch(/unreachable/);
      expect(s.failed).toBe(0);
      expect(ws.library(e).failed.count()).toBe(0);
      expect(ws.library(e).documents.count()).toBe(0);
      expect(ws.library(e).runs.get(s.runId)?.status).toBe('paused');
    } finally {
      await ai.up();
    }
  });

  it('a rejected API key stops the run at once, says so, and records nothing as failed', async () => {
    for (let i = 0; i < 5; i++) ws.write(`l${i}.txt`, letter(`Letter ${i}`));
    ai.script(() => 'unauthorized');
    const e = engine();
    const s = await e.ingest(ws.options({ ocr: false, concurrency: 1, ai: openaiSettings() }));
    expect(s.status).toBe('paused');
    expect(s.message).toMatch(/key|auth/i);
    expect(ws.library(e).failed.count()).toBe(0);
    expect(ai.calls.chat).toBe(1);
  });

  it('rows whose settings changed are eligible for retry, and reprocess reports the outcome', async () => {
    ws.write('a.txt', letter('Parking permit'));
    ai.script((kind) => (kind === 'chat' ? 'malformed_json' : undefined));
    const e = engine();
    await e.ingest(ws.options({ ocr: false, ai: openaiSettings() }));
    const current = e.fingerprint({ ...ws.options({ ocr: false }), ai: { ...openaiSettings(), chatModel: 'better-model' } });
    const [row] = ws.library(e).failed.list({ offset: 0, limit: 1, sort: 'failed_at', dir: 'desc', filter: {} }, current);
    expect(row.eligibleForRetry).toBe('model changed (test-chat → better-model)');
    expect(ws.library(e).failed.count({ eligibleOnly: true }, current)).toBe(1);

    ai.clearScript();
    const { paths: _p, ...opts } = ws.options({ ocr: false, ai: { ...openaiSettings(), chatModel: 'better-model' } });
    const report = await e.reprocess([row.id], opts);
    expect(report).toMatchObject({ succeeded: 1, failedSame: 0, failedDifferent: 0 });
    expect(ws.library(e).failed.count()).toBe(0);
    const kinds = ws.library(e).failureEvents.history(row.fileHash, row.filePath).map((ev) => ev.kind);
    expect(kinds).toEqual(['success', 'reset', 'failure']);
  });
});
