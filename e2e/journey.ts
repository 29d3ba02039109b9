/**
 * The user's journey, shared by the browser-mode and Electron specs: only how the folder is
 * chosen differs (typed path vs. the mocked native dialog).
 */
import type { Page } from '@playwright/test';
import type { Corpus } from './corpus';
import { expect } from './fixtures';
import { IngestPage } from './pages/ingest';

export const FAILING = { tooShort: 'too-short.txt', binary: 'binary.txt', scan: 'bakery-receipt.png' } as const;

/** Chooses the corpus folder, starts with OCR off, follows progress to the summary. */
export async function ingestCorpus(page: Page, corpus: Corpus, choose: (ingest: IngestPage) => Promise<void>): Promise<IngestPage> {
  const ingest = new IngestPage(page);
  await ingest.open();
  await choose(ingest);
  await expect(ingest.preflightCount('New')).toHaveText(String(corpus.total));
  await ingest.setOcr(false);
  await ingest.start();
  await expect(ingest.progressbar()).toBeVisible();
  await expect(ingest.progressbar()).toHaveAttribute('aria-valuenow', String(corpus.total), { timeout: 90_000 });
  await ingest.waitForSummary();
  await expect(ingest.summaryCount('Ingested')).toHaveText(String(corpus.good.length));
  await expect(ingest.summaryCount('Failed')).toHaveText('3');
  return ingest;
}
