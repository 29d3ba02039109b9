// Files padded with NULs (a log preallocated by its writer, a crashed editor's file): the text
// ends where the padding starts; nothing without letters is stored or sent to be embedded.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAiProvider } from '../../src/main/ai';
import type { AiSettings } from '../../src/shared/domain';
import { startAiServer, type AiServer } from '../support/ai-server';
import { Workspace, letter } from '../support/workspace';

let ai: AiServer;
let ws: Workspace;
beforeAll(async () => {
  ai = await startAiServer();
});
afterAll(async () => {
  await ai.close();
});
beforeEach(() => {
  ws = new Workspace('intake-nul-');
  ai.resetCalls();
});
afterEach(async () => {
  await ws.close();
});

const openai = (): AiSettings => ({ provider: 'openai', baseUrl: ai.url, chatModel: 'test-chat', embedModel: 'test-embed', apiKey: 'sk-test', timeoutMs: 20_000, maxRetries: 1 });

function embeddedInputs(): string[] {
  return ai.requests.filter((r) => r.kind === 'embeddings').flatMap((r) => (r.body as { input: string[] }).input);
}

describe('NUL padding', () => {
  it('zeros within the first 64 KiB make a file binary, whichever way it is read: failed as text_binary, nothing embedded', async () => {
    ws.write('short.log.txt', Buffer.concat([Buffer.from(letter('Service log')), Buffer.alloc(40_000, 0)]));
    const e = ws.engine({ createProvider: (s) => createAiProvider(s, { retry: { baseDelayMs: 2 } }) });
    const s = await e.ingest(ws.options({ ocr: false, ai: openai() }));
    expect(s).toMatchObject({ ingested: 0, failed: 1 });
    expect(ws.library(e).failed.list({ offset: 0, limit: 5, sort: 'filename', dir: 'asc', filter: {} })[0]).toMatchObject({ errorCode: 'text_binary' });
    expect(ai.calls.embeddings + ai.calls.chat).toBe(0);
  });

  it.each([
    ['a 300 KB log then 40 KB of zeros', 4_000, 40_000],
    ['a 300 KB log then 2 MB of zeros', 4_000, 2_000_000],
  ])('%s: stored up to the padding, with no NUL and no chunk without letters', async (_name, lines, zeros) => {
    const text = Array.from({ length: lines }, (_, i) => `2024-03-${String((i % 28) + 1).padStart(2, '0')} service started, request ${i} served in ${i * 3} ms`).join('\n');
    ws.write('app.log.txt', Buffer.concat([Buffer.from(letter('Service log') + text), Buffer.alloc(zeros, 0)]));
    const e = ws.engine({ createProvider: (s) => createAiProvider(s, { retry: { baseDelayMs: 2 } }) });
    const s = await e.ingest(ws.options({ ocr: false, ai: openai() }));
    expect(s).toMatchObject({ ingested: 1, failed: 0 });
    const doc = ws.library(e).documents.get(ws.library(e).documents.list(0, 1)[0].id)!;
    expect(doc.content).not.toContain('\u0000');
    expect(doc.content.length).toBeLessThan(text.length + 1000);
    expect(doc.content).toContain(`request ${lines - 1} served`);
    const inputs = embeddedInputs();
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.length).toBeLessThanOrEqual(Math.ceil(text.length / 800) + 2);
    for (const input of inputs) expect(input).toMatch(/\p{L}/u);
  });

  it('control characters and bidi overrides inside text are removed, the text around them kept', async () => {
    ws.write('note.txt', Buffer.from(letter('Meeting notes', 'Room\u0008 4B, floor\u0007 2\u001b[0m, agenda\u202E attached')));
    const e = ws.engine({ createProvider: (s) => createAiProvider(s, { retry: { baseDelayMs: 2 } }) });
    await e.ingest(ws.options({ ocr: false, ai: openai() }));
    const doc = ws.library(e).documents.get(ws.library(e).documents.list(0, 1)[0].id)!;
    // The whole escape sequence goes (not only its ESC byte): no '[0m' left in the text.
    expect(doc.content).toContain('Room 4B, floor 2, agenda attached');
  });
});
