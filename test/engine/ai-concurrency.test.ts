// How many classify requests a run keeps at an OpenAI-compatible server: never more than the
// run's concurrency, and that many while other files, already read, wait for a slot. Counted
// by the loopback server itself (requests read and not yet answered), through the real engine.
import { describe, expect, it } from 'vitest';
import { useAiServer } from '../support/use-ai-server';
import { letter } from '../support/workspace';

// Held requests wait on the test, not on a clock: the timeout is far beyond any poll.
const t = useAiServer({ workspace: 'intake-ai-slots-', server: { logBodies: false }, timeoutMs: 600_000, backoff: { baseDelayMs: 5, maxDelayMs: 20 } });
const { openai, engine } = t;

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
    for (let i = 0; i < 24; i++) t.ws.write(`l${String(i).padStart(2, '0')}.txt`, letter(`Letter number ${i}`, `Customer reference ${i * 7}`));
    const probe = gate();
    const rest = gate();
    // The first classify (the gate's probe) waits on one gate, every later one on another.
    t.ai.script((kind, _body, n) => (kind === 'chat' ? { until: n === 1 ? probe.promise : rest.promise } : undefined));
    const run = engine().startRun(t.ws.options({ ocr: false, concurrency, ai: openai() }));
    const seen = () => `server: ${t.ai.inFlight.chat} classify in flight (peak ${t.ai.peakInFlight.chat}), ${t.ai.calls.chat} received; run: ${JSON.stringify(run.progress().inStage)}`;
    const waitingForAi = () => run.progress().inStage.classify ?? 0;

    // Until one call has succeeded, the probe is alone at the server, whatever waits behind it.
    await until(() => t.ai.inFlight.chat === 1 && waitingForAi() > concurrency, seen);
    expect(t.ai.peakInFlight.chat).toBe(1);
    probe.open();

    // Then the slots fill: `concurrency` requests held at the server, and more files read and waiting.
    await until(() => t.ai.inFlight.chat === concurrency && waitingForAi() > concurrency, seen);
    expect(t.ai.peakInFlight.chat).toBe(concurrency);
    rest.open();

    const s = await run.finished;
    expect(s).toMatchObject({ status: 'completed', ingested: 24, failed: 0 });
    // Free-running to the end (answers at once), the limit still held.
    expect(t.ai.peakInFlight.chat).toBe(concurrency);
    expect(t.ai.calls).toMatchObject({ chat: 24, embeddings: 24 });
  });

  it('a cancel reaches the files waiting for a slot: nothing failed, the next run ingests each file once', async () => {
    const concurrency = 2;
    for (let i = 0; i < 12; i++) t.ws.write(`c${String(i).padStart(2, '0')}.txt`, letter(`Cancelled letter ${i}`, `Reference ${i * 11}`));
    const held = gate();
    t.ai.script((kind, _body, n) => (kind === 'chat' && n > 1 ? { until: held.promise } : undefined));
    const e = engine();
    const run = e.startRun(t.ws.options({ ocr: false, concurrency, ai: openai() }));
    await until(
      () => t.ai.inFlight.chat === concurrency && (run.progress().inStage.classify ?? 0) > concurrency,
      () => `server: ${t.ai.inFlight.chat} in flight; run: ${JSON.stringify(run.progress().inStage)}`,
    );
    run.cancel();
    const first = await run.finished;
    held.open();
    expect(first.status).toBe('cancelled');
    expect(first.failed).toBe(0);
    expect(t.ws.library(e).failed.count()).toBe(0);
    expect(t.ai.peakInFlight.chat).toBeLessThanOrEqual(concurrency);

    t.ai.clearScript();
    const second = await e.ingest(t.ws.options({ ocr: false, concurrency, ai: openai() }));
    expect(second).toMatchObject({ status: 'completed', failed: 0 });
    expect(first.ingested + second.ingested).toBe(12);
    expect(t.ws.library(e).documents.count()).toBe(12);
    expect(t.ai.peakInFlight.chat).toBeLessThanOrEqual(concurrency);
  });
});
