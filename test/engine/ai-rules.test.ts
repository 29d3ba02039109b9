import { describe, expect, it } from 'vitest';
import { makeTextPdf } from '../support/fixtures';
import { useAiServer } from '../support/use-ai-server';
import { INVOICE, letter } from '../support/workspace';

const t = useAiServer({ workspace: 'intake-ai-', timeoutMs: 2000, backoff: { baseDelayMs: 5, maxDelayMs: 20 } });
const { openai, engine } = t;

describe('classification and embeddings through an OpenAI-compatible server', () => {
  it('stores the model’s classification and embeddings', async () => {
    t.ws.write('invoice.txt', INVOICE);
    const e = engine();
    const s = await e.ingest(t.ws.options({ ocr: false, ai: openai() }));
    expect(s).toMatchObject({ ingested: 1, failed: 0 });
    const doc = t.ws.library(e).documents.get(t.ws.library(e).documents.list(0, 1)[0].id)!;
    expect(doc).toMatchObject({ aiProvider: 'openai', aiModel: 'test-chat', title: 'Invoice INV-2024-0042' });
    expect(doc.chunkCount).toBeGreaterThan(0);
    expect(t.ai.calls.chat).toBe(1);
    expect(t.ai.calls.embeddings).toBe(1);
  });

  it('a previously failed file costs no AI call on the next run (skip-failed)', async () => {
    t.ws.write('letter.txt', letter('Rent increase'));
    t.ai.script((kind) => (kind === 'chat' ? 'malformed_json' : undefined));
    const e = engine();
    const first = await e.ingest(t.ws.options({ ocr: false, ai: openai() }));
    expect(first).toMatchObject({ failed: 1, failedByStage: { classify: 1 } });
    const [row] = t.ws.library(e).failed.list({ offset: 0, limit: 1, sort: 'failed_at', dir: 'desc', filter: {} });
    expect(row).toMatchObject({ stage: 'classify', errorCode: 'ai_bad_output' });

    t.ai.resetCalls();
    const second = await e.ingest(t.ws.options({ ocr: false, ai: openai() }));
    expect(second).toMatchObject({ skippedFailed: 1, failed: 0 });
    expect(t.ai.calls.chat + t.ai.calls.embeddings).toBe(0);
  });

  it('AI fails and OCR is off: failed at classify, without an OCR retry', async () => {
    t.ws.write('statement.pdf', await makeTextPdf(['Bank statement for March 2024. Opening balance 1,200.00 EUR. Closing balance 1,450.00 EUR.']));
    t.ai.script((kind) => (kind === 'chat' ? 'malformed_json' : undefined));
    const e = engine();
    const s = await e.ingest(t.ws.options({ ocr: false, ai: openai() }));
    expect(s.failedByStage).toEqual({ classify: 1 });
    const [row] = t.ws.library(e).failed.list({ offset: 0, limit: 1, sort: 'failed_at', dir: 'desc', filter: {} });
    expect(row.reason).not.toContain('after OCR');
    expect(t.ai.calls.chat).toBe(2); // the first answer and one re-ask
  });

  it('AI fails on a text layer with OCR on: the file is OCR’d and the AI tried once more; failing again says "after OCR"', async () => {
    t.ws.write('statement.pdf', await makeTextPdf(['Bank statement for March 2024. Opening balance 1,200.00 EUR. Closing balance 1,450.00 EUR.']));
    t.ai.script((kind) => (kind === 'chat' ? 'malformed_json' : undefined));
    const e = engine();
    const s = await e.ingest(t.ws.options({ ocr: true, ai: openai() }));
    expect(s.failedByStage).toEqual({ classify: 1 });
    const [row] = t.ws.library(e).failed.list({ offset: 0, limit: 1, sort: 'failed_at', dir: 'desc', filter: {} });
    expect(row.reason).toContain('after OCR');
    expect(row.errorCode).toBe('ai_bad_output');
    expect(t.ai.calls.chat).toBe(4); // (answer + re-ask) on the text layer, then on the OCR text
  });

  it('AI fails on the text layer but succeeds on the OCR text: ingested from OCR', async () => {
    t.ws.write('scan.pdf', await makeTextPdf(['Invoice number 77 from Example Traders. Amount due 99 EUR, payable by bank transfer.']));
    t.ai.script(['malformed_json', 'malformed_json'], 'chat');
    const e = engine();
    const s = await e.ingest(t.ws.options({ ocr: true, ai: openai() }));
    expect(s).toMatchObject({ ingested: 1, failed: 0 });
    const doc = t.ws.library(e).documents.get(t.ws.library(e).documents.list(0, 1)[0].id)!;
    expect(doc.contentSource).toBe('ocr');
  });

  it('transient errors are retried; a 429 with Retry-After is waited out', async () => {
    t.ws.write('a.txt', letter('Water bill'));
    t.ai.script(['unavailable', { rateLimit: { retryAfterMs: 50 } }], 'chat');
    const e = engine();
    const s = await e.ingest(t.ws.options({ ocr: false, ai: openai() }));
    expect(s).toMatchObject({ ingested: 1, failed: 0 });
    expect(t.ai.calls.chat).toBe(3);
  });

  it('5xx after every retry: failed at classify with a transient class', async () => {
    t.ws.write('a.txt', letter('Gas bill'));
    t.ai.script((kind) => (kind === 'chat' ? 'server_error' : undefined));
    const e = engine();
    const s = await e.ingest(t.ws.options({ ocr: false, ai: openai() }));
    expect(s.failedByStage).toEqual({ classify: 1 });
    const [row] = t.ws.library(e).failed.list({ offset: 0, limit: 1, sort: 'failed_at', dir: 'desc', filter: {} });
    expect(row).toMatchObject({ errorCode: 'ai_server_error', failureClass: 'transient' });
    expect(t.ai.calls.chat).toBe(4);
  });

  it('embedding failures are recorded at the embeddings stage', async () => {
    t.ws.write('a.txt', letter('Phone bill'));
    t.ai.script((kind) => (kind === 'embeddings' ? 'empty_content' : undefined));
    const e = engine();
    const s = await e.ingest(t.ws.options({ ocr: false, ai: openai() }));
    expect(s.failedByStage).toEqual({ embeddings: 1 });
    expect(t.ws.library(e).documents.count()).toBe(0);
  });

  it('an endpoint that is down pauses the run after 3 files and marks none of them failed', async () => {
    for (let i = 0; i < 10; i++) t.ws.write(`l${i}.txt`, letter(`Letter ${i}`));
    await t.ai.down();
    try {
      const e = engine();
      const s = await e.ingest(t.ws.options({ ocr: false, concurrency: 1, ai: openai() }));
      expect(s.status).toBe('paused');
      expect(s.message).toMatch(/unreachable/);
      expect(s.failed).toBe(0);
      expect(t.ws.library(e).failed.count()).toBe(0);
      expect(t.ws.library(e).documents.count()).toBe(0);
      expect(t.ws.library(e).runs.get(s.runId)?.status).toBe('paused');
    } finally {
      await t.ai.up();
    }
  });

  it('a rejected API key stops the run at once, says so, and records nothing as failed', async () => {
    for (let i = 0; i < 5; i++) t.ws.write(`l${i}.txt`, letter(`Letter ${i}`));
    t.ai.script(() => 'unauthorized');
    const e = engine();
    const s = await e.ingest(t.ws.options({ ocr: false, concurrency: 1, ai: openai() }));
    expect(s.status).toBe('paused');
    expect(s.message).toMatch(/key|auth/i);
    expect(t.ws.library(e).failed.count()).toBe(0);
    expect(t.ai.calls.chat).toBe(1);
  });

  it('rows whose settings changed are eligible for retry, and reprocess reports the outcome', async () => {
    t.ws.write('a.txt', letter('Parking permit'));
    t.ai.script((kind) => (kind === 'chat' ? 'malformed_json' : undefined));
    const e = engine();
    await e.ingest(t.ws.options({ ocr: false, ai: openai() }));
    const current = e.fingerprint({ ...t.ws.options({ ocr: false }), ai: { ...openai(), chatModel: 'better-model' } });
    const [row] = t.ws.library(e).failed.list({ offset: 0, limit: 1, sort: 'failed_at', dir: 'desc', filter: {} }, current);
    expect(row.eligibleForRetry).toBe('model changed (test-chat → better-model)');
    expect(t.ws.library(e).failed.count({ eligibleOnly: true }, current)).toBe(1);

    t.ai.clearScript();
    const { paths: _p, ...opts } = t.ws.options({ ocr: false, ai: { ...openai(), chatModel: 'better-model' } });
    const report = await e.reprocess([row.id], opts);
    expect(report).toMatchObject({ succeeded: 1, failedSame: 0, failedDifferent: 0 });
    expect(t.ws.library(e).failed.count()).toBe(0);
    const kinds = t.ws.library(e).failureEvents.history(row.fileHash, row.filePath).map((ev) => ev.kind);
    expect(kinds).toEqual(['success', 'reset', 'failure']);
  });
});
