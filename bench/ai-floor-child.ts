/**
 * The AI row's floor: the openai provider alone, through the run's AI gate (the probe alone, then
 * `concurrency` classify slots; each text's embeddings after its classify, holding no slot), over
 * texts read before the clock starts — no scan, hash, extraction or store. What the client and the
 * server's latency allow on this machine at this load, beside what the engine makes of it.
 * Run as: node --import tsx bench/ai-floor-child.ts '<json: { url, files, concurrency }>'.
 */
import { readFileSync } from 'node:fs';
import { createAiProvider } from '../src/main/ai';
import { openaiSdk } from '../src/main/ai/sdk';
import { AiGate } from '../src/main/engine/ai-gate';
import { chunkText } from '../src/main/engine/chunk';
import { DEFAULT_AI } from '../src/shared/limits';

/** The line the result is printed on (bench/figures/ingest.ts reads it). */
const FLOOR_PREFIX = 'AI_FLOOR ';

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as { url: string; files: string[]; concurrency: number };
  // Loaded before the clock, as the ingest child does (see ingest-child.ts).
  await Promise.all([openaiSdk(), import('../src/main/ai/answer'), import('../src/main/ai/http-fetch')]);
  const texts = cfg.files.map((f) => readFileSync(f, 'utf8'));
  const provider = createAiProvider({ ...DEFAULT_AI, provider: 'openai', baseUrl: cfg.url, apiKey: 'bench', chatModel: 'test-chat', embedModel: 'test-embed' });
  const gate = new AiGate(new AbortController().signal, cfg.concurrency, async () => undefined);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    texts.map(async (text, i) => {
      const file = { path: cfg.files[i], hash: String(i) };
      await gate.call({ ...file, stage: 'classify' }, () => provider.classify(text));
      const pieces = chunkText(text);
      await gate.call({ ...file, stage: 'embeddings' }, () => provider.embed(pieces));
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${FLOOR_PREFIX}${JSON.stringify({ n: texts.length, ms, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
