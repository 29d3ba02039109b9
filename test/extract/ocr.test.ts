import { cpuTicks, isRunning } from '../support/process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor, type ProcessExtractor } from '../../src/main/extract';
import { OCR_IMAGE_MAX_PIXELS, pgmInfo, prepareImageForOcr } from '../../src/main/extract/downscale';
import { imageInfo } from '../../src/main/extract/image';
import type { IntakeError } from '../../src/shared/errors';
import * as fx from '../support/fixtures';
import { failure } from './support';

const WORDS = 'The quarterly invoice from Acme Corporation totals four hundred dollars payable within thirty days';

let dir: string;
let extractor: ProcessExtractor;
let invoicePng: string;
let scannedPdf: string;

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function waitFor(cond: () => boolean, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectInvoiceText(text: string): void {
  for (const w of ['quarterly', 'invoice', 'Acme', 'Corporation', 'payable', 'thirty']) expect(text).toContain(w);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'intake-ocr-'));
  invoicePng = file('invoice.png', fx.makeTextPng(WORDS));
  scannedPdf = file('scan.pdf', await fx.makeImagePdf(fx.makeTextPng(WORDS), { pages: 6 }));
  extractor = createExtractor({
    ocrLanguages: ['eng'],
    workers: 1,
    pageCap: 2,
    timeoutMs: 240_000, // generous: a busy machine must not turn a slow OCR into a timeout
    memoryLimitMb: 256,
    cachePath: join(dir, 'ocr-cache'),
    debug: true,
  });
});

afterAll(async () => {
  await extractor.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OCR', () => {
  it('reads the words of a rendered image', async () => {
    const res = await extractor.ocr(invoicePng, 'image');
    expect(res.source).toBe('ocr');
    expect(res.ocrPages).toBe(1);
    expect(res.confidence).toBeGreaterThan(80);
    expectInvoiceText(res.text);
  });

  it('reads a scanned PDF, rendering no more pages than the page cap', async () => {
    const res = await extractor.ocr(scannedPdf, 'pdf');
    expect(res).toMatchObject({ source: 'ocr', pages: 6, ocrPages: 2, truncated: true });
    expectInvoiceText(res.text);
    expect(res.text.split('quarterly').length - 1).toBe(2);
  });

  it('a 300 dpi A4 scan is downscaled to ≈ 200 dpi before OCR, handed over as raw grey pixels, and still read word for word', async () => {
    // 12 pt text at 300 dpi is 50 px high; the page is 2480 × 3508 px (8.7 MP).
    const png = fx.makeTextPng(`${WORDS} `.repeat(6), { width: 2480, height: 3508, fontSize: 50 });
    const scaled = await prepareImageForOcr(png, imageInfo(png)!);
    const info = pgmInfo(scaled)!;
    expect(info).not.toBeNull();
    expect(info.width * info.height).toBeLessThanOrEqual(OCR_IMAGE_MAX_PIXELS);
    expect(info.width).toBeGreaterThan(1600); // ≈ 200 dpi, not less
    const res = await extractor.ocr(file('a4-300dpi.png', png), 'image');
    expect(res.confidence).toBeGreaterThan(80);
    expectInvoiceText(res.text);
    expect(res.text.split('quarterly').length - 1).toBe(6);
  });

  it('an image within the limits goes to tesseract untouched', async () => {
    const png = fx.makeTextPng(WORDS);
    expect(await prepareImageForOcr(png, imageInfo(png)!)).toBe(png);
  });

  it('refuses noise: junk at low confidence is ocr_no_text', async () => {
    const err = await failure(extractor.ocr(file('noise.png', fx.makeNoisePng()), 'image'));
    expect(err.code).toBe('ocr_no_text');
    expect(err.reason).toBe('OCR found no usable text');
  });

  it('a corrupt PNG is image_corrupt, and the next image is read normally', async () => {
    const err = await failure(extractor.ocr(file('corrupt.png', fx.makeCorruptPng()), 'image'));
    expect(err.code).toBe('image_corrupt');
    expectInvoiceText((await extractor.ocr(invoicePng, 'image')).text);
  });

  it('an image bomb is image_too_large before anything is decoded', async () => {
    const err = await failure(extractor.ocr(file('bomb.png', fx.makeImageBombPng()), 'image'));
    expect(err.code).toBe('image_too_large');
  });

  it('a missing language package is ocr_language_missing (a configuration error)', async () => {
    const other = createExtractor({ ocrLanguages: ['xyz'], workers: 1, pageCap: 1, timeoutMs: 240_000, memoryLimitMb: 256, cachePath: join(dir, 'ocr-cache') });
    try {
      const err = await failure(other.ocr(invoicePng, 'image'));
      expect(err.code).toBe('ocr_language_missing');
      expect(err.failureClass).toBe('config');
    } finally {
      await other.close();
    }
  });
});

describe('the extractor process', () => {
  it('a file that runs past the OCR timeout is ocr_timeout, and OCR works afterwards', async () => {
    const err = await failure(extractor.ocr(scannedPdf, 'pdf', { timeoutMs: 300 }));
    expect(err.code).toBe('ocr_timeout');
    expectInvoiceText((await extractor.ocr(invoicePng, 'image')).text);
  });

  it('a hung extractor is killed at the hard limit and replaced', async () => {
    const before = extractor.pids();
    const err = await failure(extractor.debug('debug_hang', 500));
    expect(err.code).toBe('ocr_timeout');
    expectInvoiceText((await extractor.ocr(invoicePng, 'image')).text);
    expect(extractor.pids()).not.toEqual(before);
  });

  it('a child killed mid-request fails that file with extractor_crashed, and the next file works', async () => {
    await extractor.extractText(invoicePng, 'image'); // make sure a child is up
    const ticksBefore = cpuTicks(extractor.pids()[0]) ?? 0;
    const pending = failure(extractor.ocr(scannedPdf, 'pdf'));
    await waitFor(() => extractor.pids().length > 0);
    // Mid-request: the child has spent CPU on it (0.2 s of work), whatever the machine's load.
    await waitFor(() => (cpuTicks(extractor.pids()[0]) ?? Infinity) >= ticksBefore + 20);
    process.kill(extractor.pids()[0], 'SIGKILL');
    const err = await pending;
    expect(err.code).toBe('extractor_crashed');
    expect(err.reason).toBe('extractor crashed');
    expectInvoiceText((await extractor.ocr(invoicePng, 'image')).text);
  });

  it('a child that runs out of heap fails that file with extractor_oom', async () => {
    const err = await failure(extractor.debug('debug_oom'));
    expect(err.code).toBe('extractor_oom');
    expect(err.reason).toBe('extractor ran out of memory');
  });

  it('only the file that crashed the child fails; work in flight beside it is retried', async () => {
    const text = file('note.txt', fx.utf8('a harmless note'));
    const [crash, ocr, note] = await Promise.allSettled([extractor.debug('debug_crash'), extractor.ocr(invoicePng, 'image'), extractor.extractText(text, 'text')]);
    expect(crash.status === 'rejected' && (crash.reason as IntakeError).code).toBe('extractor_crashed');
    expect(ocr.status === 'fulfilled' && ocr.value.text).toContain('quarterly');
    expect(note.status === 'fulfilled' && note.value.text).toBe('a harmless note');
  });

  it('a child is replaced after serving recycleAfter files', async () => {
    const ex = createExtractor({ ocrLanguages: ['eng'], workers: 1, pageCap: 1, timeoutMs: 240_000, memoryLimitMb: 256, cachePath: join(dir, 'ocr-cache'), recycleAfter: 2 });
    try {
      const note = file('recycle.txt', fx.utf8('recycled'));
      await ex.extractText(note, 'text');
      const first = ex.pids();
      await ex.extractText(note, 'text');
      expect((await ex.extractText(note, 'text')).text).toBe('recycled');
      expect(ex.pids()).toHaveLength(1);
      expect(ex.pids()).not.toEqual(first);
    } finally {
      await ex.close();
    }
  });

  it('a child with nothing to do for idleMs is ended (its tesseract heaps with it); a job keeps it, and the next file after starts a fresh one', async () => {
    const ex = createExtractor({ ocrLanguages: ['eng'], workers: 1, pageCap: 1, timeoutMs: 240_000, memoryLimitMb: 256, cachePath: join(dir, 'ocr-cache'), idleMs: 200 });
    try {
      const note = file('idle.txt', fx.utf8('an idle note'));
      await ex.extractText(note, 'text');
      const first = ex.pids();
      expect(first).toHaveLength(1);
      // Given at once after the first reply, a slow OCR job (tesseract starts, then reads) keeps the same child.
      expectInvoiceText((await ex.ocr(invoicePng, 'image')).text);
      expect(ex.pids()).toEqual(first);
      await waitFor(() => ex.pids().length === 0 && !isRunning(first[0]));
      expect((await ex.extractText(note, 'text')).text).toBe('an idle note');
      expect(ex.pids()).toHaveLength(1);
      expect(ex.pids()).not.toEqual(first);
    } finally {
      await ex.close();
    }
  });

  it('two OCR jobs run at once in one process on two tesseract threads, each reading its own page; the process dying under both fails neither', async () => {
    // A cache of its own: both threads start together and find the language data still packed.
    const ex = createExtractor({ ocrLanguages: ['eng'], workers: 2, ocrPerProcess: 2, pageCap: 1, timeoutMs: 240_000, memoryLimitMb: 256, cachePath: join(dir, 'ocr-cache-two-threads') });
    try {
      const a = file('two-a.png', fx.makeTextPng('The quarterly invoice from Acme Corporation totals four hundred dollars'));
      const b = file('two-b.png', fx.makeTextPng('Northwind Traders confirms the delivery of twelve garden chairs'));
      const reads = await Promise.all([ex.ocr(a, 'image'), ex.ocr(b, 'image')]);
      expect(reads[0].text).toContain('Acme');
      expect(reads[1].text).toContain('Northwind');
      expect(ex.pids()).toHaveLength(1);
      // Killed with both jobs in flight, neither file is blamed: each is tried again alone.
      const pid = ex.pids()[0];
      const ticksBefore = cpuTicks(pid) ?? 0;
      const jobs = [ex.ocr(a, 'image'), ex.ocr(b, 'image')];
      await waitFor(() => (cpuTicks(pid) ?? Infinity) >= ticksBefore + 20);
      process.kill(pid, 'SIGKILL');
      const again = await Promise.all(jobs);
      expect(again[0].text).toContain('Acme');
      expect(again[1].text).toContain('Northwind');
    } finally {
      await ex.close();
    }
  });

  it('close() ends every child', async () => {
    const ex = createExtractor({ ocrLanguages: ['eng'], workers: 2, pageCap: 1, timeoutMs: 240_000, memoryLimitMb: 256, cachePath: join(dir, 'ocr-cache') });
    const textFile = file('a.txt', fx.utf8('hello'));
    await Promise.all([ex.extractText(textFile, 'text'), ex.extractText(textFile, 'text')]);
    const pids = ex.pids();
    expect(pids.length).toBeGreaterThan(0);
    await ex.close();
    // A zombie has exited: isRunning counts it as gone, as everywhere else.
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });
});
