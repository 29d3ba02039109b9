import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor, type ProcessExtractor } from '../../src/main/extract';
import * as fx from '../support/fixtures';
import { failure } from './support';

/*
 * An OCR file's time limit runs while it is prepared and read, not while it waits for a tesseract
 * thread that another file holds. One thread and one file queued beside it (ocrQueuedPerProcess),
 * real tesseract; the thread is held by a test operation of the extraction process itself until the
 * queued file has waited as long as the test wants.
 */
const WORDS = 'The quarterly invoice from Acme Corporation totals four hundred dollars payable within thirty days';

let dir: string;
let ex: ProcessExtractor;
let invoice: string;
let dense: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'intake-ocr-deadline-'));
  invoice = join(dir, 'invoice.png');
  writeFileSync(invoice, fx.makeTextPng(WORDS));
  // A 300 dpi A4 page of text: several seconds of recognition on any machine.
  dense = join(dir, 'dense.png');
  writeFileSync(dense, fx.makeTextPng(`${WORDS} `.repeat(40), { width: 2480, height: 3508, fontSize: 40 }));
  ex = createExtractor({ ocrLanguages: ['eng'], workers: 1, ocrPerProcess: 1, ocrQueuedPerProcess: 1, pageCap: 1, timeoutMs: 20_000, memoryLimitMb: 512, cachePath: join(dir, 'ocr-cache'), debug: true });
});

afterAll(async () => {
  await ex.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the OCR time limit and the wait for a tesseract thread', () => {
  it('a file that waits for the thread longer than its whole limit is still read; the wait is not its time', async () => {
    expect((await ex.ocr(invoice, 'image')).text).toContain('Acme'); // the process and its thread are up
    const pid = ex.pids()[0];
    // The thread is held until the invoice has waited 25 s — longer than its 20 s limit.
    const [held, read] = await Promise.all([ex.debug('debug_hold_thread', 600_000, '25000'), ex.ocr(invoice, 'image')]);
    expect(held.text).toMatch(/waited 25000 ms/);
    expect(read.text).toContain('quarterly');
    expect(ex.pids()).toEqual([pid]);
  });

  it('after its wait, a file whose reading runs past its limit is ocr_timeout, stopped by the process itself', async () => {
    const pid = ex.pids()[0];
    const [held, late] = await Promise.all([ex.debug('debug_hold_thread', 600_000, '3000'), failure(ex.ocr(dense, 'image', { timeoutMs: 1500 }))]);
    expect(held.text).toMatch(/waited 3000 ms/);
    expect(late.code).toBe('ocr_timeout');
    // The process stopped the reading on its own (its tesseract thread is replaced); the parent did not have to kill it.
    expect(ex.pids()).toEqual([pid]);
    expect((await ex.ocr(invoice, 'image')).text).toContain('Acme');
  });

  it('a process that stops answering while a file waits is still killed; the waiting file is read again alone', async () => {
    const pid = ex.pids()[0];
    // Holds the thread until the invoice has waited 2 s, then hangs the process's main thread for good.
    const [hung, read] = await Promise.all([failure(ex.debug('debug_hold_thread', 5000, '2000:hang')), ex.ocr(invoice, 'image')]);
    expect(hung.code).toBe('ocr_timeout');
    expect(read.text).toContain('quarterly');
    expect(ex.pids()).not.toContain(pid);
  });
});
