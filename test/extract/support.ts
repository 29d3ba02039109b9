import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { createExtractor, type ProcessExtractor, type ProcessExtractorOptions } from '../../src/main/extract';
import { pgmInfo } from '../../src/main/extract/downscale';
import type { IntakeError } from '../../src/shared/errors';

/** The error an extraction rejects with; fails the test when it resolves instead. */
export async function failure(p: Promise<unknown>): Promise<IntakeError> {
  try {
    await p;
  } catch (e) {
    return e as IntakeError;
  }
  throw new Error('expected the extraction to fail');
}

export interface ExtractWorkspace {
  /** A fresh temporary folder, removed after the file's tests. */
  readonly dir: string;
  /** A real extractor process pool (English OCR, one child), closed after the file's tests. */
  readonly extractor: ProcessExtractor;
  /** Writes `bytes` to `name` in the folder and returns its path. */
  file(name: string, bytes: Uint8Array | string): string;
}

/** A temporary folder and an extractor for one test file, set up before its tests and torn down after. */
export function useExtractWorkspace(prefix: string, opts: Partial<ProcessExtractorOptions> = {}): ExtractWorkspace {
  let dir = '';
  let extractor: ProcessExtractor | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `intake-${prefix}-`));
    extractor = createExtractor({ ocrLanguages: ['eng'], workers: 1, pageCap: 5, timeoutMs: 120_000, memoryLimitMb: 768, cachePath: join(dir, 'ocr-cache'), ...opts });
  });
  afterAll(async () => {
    await extractor?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get extractor() {
      if (!extractor) throw new Error('the extractor exists only inside tests');
      return extractor;
    },
    file(name, bytes) {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    },
  };
}

/** Mean grey-level difference of two PGMs of the same size. */
export function meanDiff(a: Buffer, b: Buffer): number {
  const ia = pgmInfo(a)!;
  const ib = pgmInfo(b)!;
  expect([ia.width, ia.height]).toEqual([ib.width, ib.height]);
  let sum = 0;
  for (let i = 0; i < ia.width * ia.height; i++) sum += Math.abs(a[ia.offset + i] - b[ib.offset + i]);
  return sum / (ia.width * ia.height);
}
