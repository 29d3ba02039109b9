// A hostile or misconfigured OpenAI-compatible server (issue 12): answers that inflate to
// gigabytes, bodies cut off mid-way, 5xx for ever, HTML login pages, vectors with nulls or
// a new size, and titles with control characters. Each case runs a whole ingestion.
import { describe, expect, it } from 'vitest';
import { startAiServer } from '../support/ai-server';
import { useAiServer } from '../support/use-ai-server';
import { letter } from '../support/workspace';

const MAX_TRIES = 4;

const t = useAiServer({ workspace: 'intake-aihostile-', timeoutMs: 20_000, maxRetries: MAX_TRIES - 1, backoff: { baseDelayMs: 2, maxDelayMs: 10 } });
const { openai, engine } = t;

function letters(n: number, prefix = 'l'): void {
  for (let i = 0; i < n; i++) t.ws.write(`${prefix}${String(i).padStart(2, '0')}.txt`, letter(`Letter number ${i} (${prefix})`, `Customer reference ${i * 13}`));
}

function failedRows(e: ReturnType<typeof engine>) {
  return t.ws.library(e).failed.list({ offset: 0, limit: 100, sort: 'filename', dir: 'asc', filter: {} });
}

describe('answers too large to read', () => {
  it('a gzip answer that inflates to 2 GiB fails its file as ai_response_too_large; the process stays small and the run completes', async () => {
    letters(1);
    const e = engine();
    t.ai.script([{ gzipBomb: 2 * 1024 ** 3 }], 'chat');
    const before = process.memoryUsage().rss;
    let peak = before;
    const probe = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    // A generous per-request deadline: on a busy machine compressing 64 MiB can take the server a while.
    const s = await e.ingest(t.ws.options({ ocr: false, concurrency: 1, ai: openai({ timeoutMs: 240_000 }) }));
    clearInterval(probe);
    expect(s).toMatchObject({ status: 'completed', failed: 1, failedByStage: { classify: 1 } });
    expect(failedRows(e)[0]).toMatchObject({ stage: 'classify', errorCode: 'ai_response_too_large', failureClass: 'content', reason: 'AI answer too large' });
    expect(t.ai.calls.chat).toBe(1); // not retried: the same server would send the same answer
    expect(peak - before).toBeLessThan(400 * 1024 * 1024);
    expect(t.ws.library(e).runs.get(s.runId)?.status).toBe('completed');
  });

  it('an answer that declares a 5 GB Content-Length is refused before its body is read', async () => {
    letters(1);
    const e = engine();
    t.ai.script([{ declaredBytes: 5_000_000_000 }], 'chat');
    const s = await e.ingest(t.ws.options({ ocr: false, concurrency: 1, ai: openai() }));
    expect(s.failed).toBe(1);
    expect(failedRows(e)[0]).toMatchObject({ errorCode: 'ai_response_too_large' });
    expect(failedRows(e)[0].errorMessage).toMatch(/declares 5000000000 bytes/);
  });
});

describe('a body cut off mid-way', () => {
  it('a connection reset in the middle of the body is retried and the file ingested', async () => {
    letters(2);
    const e = engine();
    t.ai.script(['reset_mid_body'], 'chat');
    t.ai.script(['reset_mid_body'], 'embeddings');
    const s = await e.ingest(t.ws.options({ ocr: false, concurrency: 1, ai: openai() }));
    expect(s).toMatchObject({ status: 'completed', ingested: 2, failed: 0 });
    expect(t.ai.calls.chat).toBe(3);
    expect(t.ai.calls.embeddings).toBe(3);
  });
});

describe('a server that keeps failing pauses the run instead of failing the library', () => {
  it.each([
    ['503', 'unavailable' as const],
    ['502', 'bad_gateway' as const],
    ['500', 'server_error' as const],
  ])('%s on every answer: paused after a short streak with the cause named, nothing failed, bounded calls', async (_n, fault) => {
    letters(12);
    const e = engine();
    t.ai.script(() => fault);
    const s = await e.ingest(t.ws.options({ ocr: false, concurrency: 2, ai: openai() }));
    expect(s.status).toBe('paused');
    expect(s.message).toMatch(/keeps failing/);
    expect(s.failed).toBe(0);
    expect(t.ws.library(e).failed.count()).toBe(0);
    expect(t.ai.calls.chat).toBeLessThanOrEqual(3 * MAX_TRIES);
    // The next run, with the server healthy again, ingests everything once.
    t.ai.clearScript();
    const rest = await e.ingest(t.ws.options({ ocr: false, concurrency: 2, ai: openai() }));
    expect(rest).toMatchObject({ status: 'completed', ingested: 12, failed: 0 });
  });

  it('an HTML page with status 200 (a proxy login, a wrong base URL): paused, the message says to check the base URL, nothing failed', async () => {
    letters(12);
    const e = engine();
    t.ai.script(() => 'html_page');
    const s = await e.ingest(t.ws.options({ ocr: false, concurrency: 2, ai: openai() }));
    expect(s.status).toBe('paused');
    expect(s.message).toMatch(/HTML/);
    expect(s.message).toMatch(/base URL/);
    expect(s.message).toContain('Sign in - Corporate Proxy');
    expect(t.ws.library(e).failed.count()).toBe(0);
    expect(t.ai.calls.chat).toBeLessThanOrEqual(3);
  });
});

describe('embedding vectors are validated', () => {
  it('a vector with null values is not stored as zeros: re-asked, then the file fails at embeddings', async () => {
    letters(1);
    const e = engine();
    const bad = Array.from({ length: 64 }, (_, i) => (i === 5 ? null : 0.1));
    t.ai.script([{ vectors: [bad] }, { vectors: [bad] }], 'embeddings');
    const s = await e.ingest(t.ws.options({ ocr: false, concurrency: 1, ai: openai() }));
    expect(s).toMatchObject({ failed: 1, failedByStage: { embeddings: 1 } });
    expect(failedRows(e)[0]).toMatchObject({ errorCode: 'ai_bad_output' });
    expect(failedRows(e)[0].reason).toMatch(/non-numeric/);
    expect(t.ws.library(e).documents.count()).toBe(0);
  });

  it('the model returns vectors of a new size in a later run: the run pauses as a configuration error, nothing mixed in, nothing failed', async () => {
    letters(3, 'a');
    const e = engine();
    const first = await e.ingest(t.ws.options({ ocr: false, concurrency: 1, ai: openai() }));
    expect(first).toMatchObject({ ingested: 3 });
    const other = await startAiServer({ embedDim: 256 });
    try {
      letters(3, 'b');
      const s = await e.ingest(t.ws.options({ ocr: false, concurrency: 1, ai: openai({ baseUrl: other.url }) }));
      expect(s.status).toBe('paused');
      expect(s.message).toMatch(/256 dimensions.*64-dimension/);
      expect(s.failed).toBe(0);
      expect(t.ws.library(e).failed.count()).toBe(0);
      expect(t.ws.library(e).documents.count()).toBe(3);
      expect(t.ws.library(e).documents.embeddingDimension('test-embed')).toBe(64);
    } finally {
      await other.close();
    }
  });
});

describe('the AI\'s words are sanitized like extracted text', () => {
  it('NUL, other control characters and bidi overrides in the title, tags and summary are not stored', async () => {
    letters(1);
    const e = engine();
    const answer = {
      title: 'Invoice\u0000 \u202Egpj.exe\u202C from ACME\u0007',
      doc_type: 'invoice',
      correspondent: 'ACME\u2066 Ltd\u2069',
      doc_date: null,
      tags: ['fin\u0000ance', '\u202Etax'],
      language: 'en',
      summary: 'A summary\u001b[31m with an escape',
    };
    t.ai.script([{ content: JSON.stringify(answer) }], 'chat');
    const s = await e.ingest(t.ws.options({ ocr: false, concurrency: 1, ai: openai() }));
    expect(s.ingested).toBe(1);
    const doc = t.ws.library(e).documents.list(0, 10)[0];
    const stored = JSON.stringify(doc);
    expect(stored).not.toMatch(/\\u0000|\\u0007|\\u001b|\u202E|\u202C|\u2066|\u2069/);
    expect(doc.title).toBe('Invoice gpj.exe from ACME');
    expect(doc.tags).toEqual(['finance', 'tax']);
  });
});
