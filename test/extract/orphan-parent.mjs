// Parent for test/extract/orphans.test.ts: starts an extractor through the real pool
// and worker, sets an OCR job going, prints the child pids as one JSON line once the
// child has spent `argv[4]` clock ticks of CPU on it (work, not wall-clock time), then waits to be killed.
import { register } from 'tsx/esm/api';

register();
const [image, cachePath, workTicks = '30'] = process.argv.slice(2);
const { cpuTicks } = await import('../support/process.ts');
const { createExtractor } = await import('../../src/main/extract/index.ts');
const ex = createExtractor({ ocrLanguages: ['eng'], workers: 1, pageCap: 1, timeoutMs: 120_000, memoryLimitMb: 256, cachePath });
const job = ex.ocr(image, 'image');
job.catch(() => undefined);
while (!ex.pids().length) await new Promise((r) => setTimeout(r, 20));
const [child] = ex.pids();
while ((cpuTicks(child) ?? Infinity) < Number(workTicks)) await new Promise((r) => setTimeout(r, 20));
process.stdout.write(`${JSON.stringify({ pids: ex.pids() })}\n`);
setInterval(() => undefined, 1000);
