// How many classify requests a run keeps at an OpenAI-compatible server: never more than the
// run's concurrency, and that many while other files, already read, wait for a slot. Counted
// by the loopback server itself (requests read and not yet answered), through the real engine.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAiProvider } from '../../src/main/ai';
import type { AiSettings } from '../../src/shared/domain';
import { startAiServer, type AiServer } from '../support/ai-server';
import { Workspace, letter } from '../support/workspace';

let ai: AiServer;
let ws: Workspace;
beforeAll(async () => {
  ai = await startAiServer({ logBodies: false });
});
afterAll(async () => {
  await ai.close();
});
beforeEach(() => {
  ws = new Workspace('intake-ai-slots-');
  ai.clearScript();
  ai.resetCalls();
});
afterEach(async () => {
  await ws.close();
});

/** Held requests wait on the test, not on a clock: the timeout is far beyond any poll. */
function openaiSettings(): AiSettings {
  return { provider: 'openai', baseUrl: ai.url, chatModel: 'test-chat', embedModel: 'test-embed', apiKey: 'sk-test', timeoutMs: 600_000, maxRetries: 3 };
}

function engine() {
  return ws.engine({ createProvider: (s) => createAiProvider(s, { retry: { baseDelayMs: 5, maxDelayMs: 20 } }) });
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Polls until `ok()` (generous deadline: the machine may be busy); fails with what it saw. */
async function until(ok: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('classify requests in flight at the AI server', () => {
  it('never more than the concurrency, and exactly that many while read files wait for a slot', async () => {
    const concurrency = 4;
    for (let i = 0; i < 24; i++) ws.write(`l${String(i).padStart(2, '0')}.txt`, letter(`Letter number ${i}`, `Customer reference ${i * 7}`));
    const probe = gate();
    const rest = gate();
    // The first classify (the gate's probe) waits on one gate, every later one on another.
    ai.script((kind, _body, n) => (kind === 'chat' ? { until: n === 1 ? probe.promise : rest.promise } : undefined));
    const run = engine().startRun(ws.options({ ocr: false, concurrency, ai: openaiSettings() }));
    const seen = () => `server: ${ai.inFlight.chat} classify in flight (peak ${ai.peakInFlight.chat}), ${ai.calls.chat} received; run: ${JSON.stringify(run.progress().inStage)}`;
    const waitingForAi = () => run.progress().inStage.classify ?? 0;

    // Until one call has succeeded, the probe is alone at the server, whatever waits behind it.
    await until(() => ai.inFlight.chat === 1 && waitingForAi() > concurrency, seen);
    expect(ai.peakInFlight.chat).toBe(1);
    probe.open();

    // Then the slots fill: `concurrency` requests held at the server, and more files read and waiting.
    await until(() => ai.inFlight.chat === concurrency && waitingForAi() > concurrency, seen);
    expect(ai.peakInFlight.chat).toBe(concurrency);
    rest.open();

    const s = await run.finished;
    expect(s).toMatchObject({ status: 'completed', ingested: 24, failed: 0 });
    // Free-running to the end (answers at once), the limit still held.
    expect(ai.peakInFlight.chat).toBe(concurrency);
    expect(ai.calls).toMatchObject({ chat: 24, embeddings: 24 });
  });

  it('a cancel reaches the files waiting for a slot: nothing failed, the next run ingests each file once', async () => {
    const concurrency = 2;
    for (let i = 0; i < 12; i++) ws.write(`c${String(i).padStart(2, '0')}.txt`, letter(`Cancelled letter ${i}`, `Reference ${i * 11}`));
    const held = gate();
    ai.script((kind, _body, n) => (kind === 'chat' && n > 1 ? { until: held.promise } : undefined));
    const e = engine();
    const run = e.startRun(ws.options({ ocr: false, concurrency, ai: openaiSettings() }));
    await until(
      () => ai.inFlight.chat === concurrency && (run.progress().inStage.classify ?? 0) > concurrency,
      () => `server: ${ai.inFlight.chat} in flight; run: ${JSON.stringify(run.progress().inStage)}`,
    );
    run.cancel();
    const first = await run.finished;
    held.open();
    expect(first.status).toBe('cancelled');
    expect(first.failed).toBe(0);
    expect(ws.library(e).failed.count()).toBe(0);
    expect(ai.peakInFlight.chat).toBeLessThanOrEqual(concurrency);

    ai.clearScript();
    const second = await e.ingest(ws.options({ ocr: false, concurrency, ai: openaiSettings() }));
    expect(second).toMatchObject({ status: 'completed', failed: 0 });
    expect(first.ingested + second.ingested).toBe(12);
    expect(ws.library(e).documents.count()).toBe(12);
    expect(ai.peakInFlight.chat).toBeLessThanOrEqual(concurrency);
  });
});
