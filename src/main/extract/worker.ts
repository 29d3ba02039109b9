/**
 * Entry of the extractor process (Node child process, or Electron utilityProcess).
 * Receives ExtractRequest messages and answers each with exactly one ExtractReply.
 * Nothing here may import electron: a utility process talks through process.parentPort.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntakeError, errorMessage, toFailure } from '../../shared/errors';
import { ExtractionCore } from './core';
import { watchParent } from './parent-watch';
import type { ChildConfig, ExtractReply, ExtractRequest } from './protocol';

interface ParentPort {
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(msg: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const core = new ExtractionCore(config);

function reply(msg: ExtractReply): void {
  if (parentPort) parentPort.postMessage(msg);
  else process.send?.(msg);
}

async function handle(req: ExtractRequest): Promise<void> {
  try {
    let result;
    if (req.op === 'extractText') result = await core.extractText(req.path, req.kind, progressOf(req.id));
    else if (req.op === 'ocr' || req.op === 'ocrWhereNeeded') {
      // The parent's kill timer pauses while the file waits for a tesseract thread, as its OCR clock does here.
      const onWait = (waiting: boolean) => reply({ id: req.id, waiting });
      result = await core.ocr(req.path, req.kind, req.timeoutMs ?? 300_000, req.op === 'ocrWhereNeeded', req.layers, onWait);
    }
    else if (config.debug && req.op === 'debug_progress') result = await slowWithProgress(progressOf(req.id));
    else if (config.debug && req.op === 'debug_hold_thread') result = await core.holdThread(Number(req.path.split(':')[0]), req.path.endsWith(':hang'));
    else if (config.debug) result = debug(req.op);
    else throw new IntakeError('unknown', `unknown operation ${String(req.op)}`);
    reply({ id: req.id, ok: true, result, rssMb: rssMb() });
  } catch (e) {
    reply({ id: req.id, ok: false, error: toFailure(e).toJSON(), rssMb: rssMb() });
  }
}

/** At most four progress messages a second per request: enough to renew the parent's stall limit. */
function progressOf(id: number): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    reply({ id, progress: true });
  };
}

function rssMb(): number {
  return Math.round(process.memoryUsage.rss() / 1048576);
}

/** A long job that keeps reporting progress: 40 steps of 100 ms, like a long PDF's pages. */
async function slowWithProgress(progress: () => void): Promise<{ text: string; source: 'text' }> {
  for (let step = 0; step < 40; step++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    progress();
  }
  return { text: 'done after 40 steps', source: 'text' };
}

/** Failure modes the tests provoke on purpose. */
function debug(op: string): { text: string; source: 'text' } {
  if (op === 'debug_segv_once') {
    // Faults the first time only (a marker in the cache folder remembers): a fault from outside the file.
    const marker = join(config.cachePath, 'segv-once');
    if (existsSync(marker)) return { text: 'read after one native fault', source: 'text' };
    writeFileSync(marker, '');
    process.kill(process.pid, 'SIGSEGV');
  }
  if (op === 'debug_segv') process.kill(process.pid, 'SIGSEGV');
  if (op === 'debug_crash') process.exit(70);
  if (op === 'debug_hang') for (;;);
  if (op === 'debug_rss') {
    // Memory outside the JS heap (like pdf.js canvases or tesseract's WASM): the heap limit never sees it.
    const hog: Buffer[] = [];
    for (;;) hog.push(Buffer.alloc(32 * 1024 * 1024, hog.length));
  }
  if (op === 'debug_oom') {
    const hog: string[][] = [];
    for (;;) hog.push(Array.from({ length: 1e5 }, (_, i) => `${i}-${hog.length}`));
  }
  throw new IntakeError('unknown', `unknown debug operation ${op}`);
}

function onMessage(msg: unknown): void {
  const req = msg as ExtractRequest;
  if (req && typeof req.id === 'number') void handle(req);
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
else process.on('message', onMessage);
// The parent going away ends us too, even mid-OCR: no orphaned extractors.
watchParent();
process.on('unhandledRejection', (e) => {
  process.stderr.write(`extractor: unhandled rejection: ${errorMessage(e)}\n`);
});

reply({ ready: true, pid: process.pid });
