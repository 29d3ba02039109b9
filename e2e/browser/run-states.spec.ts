/**
 * The states a run passes through, held still so they can be checked and photographed: a run
 * running (the AI server holds its answers until the test releases them), paused, cancelled; the
 * reprocess report; a library of 100 000 failed files and 100 000 documents. Every number the
 * screens show is compared with the library file itself. The pictures go where screens.ts says
 * (docs/screenshots under `npm run screenshots`).
 */
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures';
import { FAILING, ingestCorpus } from '../journey';
import { libraryFacts, oldestDocument, oldestFailure, seedLibrary } from '../library-db';
import { captureBothThemes } from '../screens';
import { overflow } from '../layout';
import { IngestPage, countIn } from '../pages/ingest';
import { FailedFilesPage } from '../pages/failed';
import { DocumentsPage } from '../pages/documents';
import { SettingsPage } from '../pages/settings';
import { DatabasePage } from '../pages/database';
import { startAiServer } from '../../test/support/ai-server';

/** n as the page formats counts (the browser's locale). */
const shown = (page: Page, n: number): Promise<string> => page.evaluate((x) => x.toLocaleString(), n);

test.describe('run states, checked against the library', () => {
  test('a run held in the middle: running, paused, then cancelled — the card, Recent runs, the badge and the library agree', async ({ appPage, corpus, server, workspace }) => {
    const ai = await startAiServer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Two documents are classified at once; every later one waits at the AI server.
    ai.script((kind, _body, n) => (kind === 'chat' && n > 2 ? { until: gate } : undefined));
    try {
      await server.invoke('settings.set', { ai: { provider: 'openai', baseUrl: ai.url, chatModel: 'test-chat', embedModel: 'test-embed', timeoutMs: 600_000, maxRetries: 0 } });
      const ingest = new IngestPage(appPage);
      await ingest.open();
      await ingest.typeFolder(corpus.dir);
      await expect(ingest.preflightCount('New')).toHaveText(String(corpus.total));
      await ingest.setOcr(false);
      await appPage.getByLabel('Concurrency').fill('4');
      await ingest.start();

      // Running: 2 ingested, 3 failed (no text without OCR), 2 held in Classify.
      const card = ingest.progressCard();
      await expect(ingest.progressbar()).toHaveAttribute('aria-valuenow', '5', { timeout: 90_000 });
      await expect.poll(() => ai.calls.chat, { timeout: 60_000 }).toBe(4);
      await expect(card.locator('.card-actions .badge')).toHaveText('Running');
      await expect(ingest.progressCount('Ingested')).toHaveText('2');
      await expect(ingest.progressCount('Failed')).toHaveText('3');
      await expect(card.getByLabel('Files in each stage')).toHaveText('Classify: 2');
      await expect(card.getByRole('list', { name: 'Current files' }).getByRole('listitem')).toHaveCount(2);
      await expect(card).toContainText(`5 / ${corpus.total} files`);
      // Held far longer than a text file takes: the ETA does not pretend to know (it said "under a second").
      await expect(card.getByTestId('eta')).toHaveText('ETA: not known yet', { timeout: 60_000 });
      await expect(ingest.shell.failedBadge()).toContainText('3');
      const runRow = ingest.recentRuns().nth(1);
      await expect(ingest.recentRuns()).toHaveCount(2);
      await expect(runRow.getByRole('cell').nth(1)).toHaveText('Running');
      await expect(runRow.getByRole('cell').nth(3)).toHaveText('2');
      await expect(runRow.getByRole('cell').nth(4)).toHaveText('3');
      let facts = libraryFacts(workspace.dbPath);
      expect([facts.documents, facts.failed, facts.runs.length, facts.runs[0].status]).toEqual([2, 3, 1, 'running']);
      await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await captureBothThemes(appPage, 'run-running');

      // Every other screen, mid-run, says the same as the library; back on Ingest the card is still live.
      const failed = new FailedFilesPage(appPage);
      await failed.open();
      await expect(failed.rows()).toHaveCount(facts.failed);
      const documents = new DocumentsPage(appPage);
      await documents.open();
      await expect(documents.table().getByRole('row')).toHaveCount(facts.documents + 1);
      const database = new DatabasePage(appPage);
      await database.open();
      await database.selectTable('runs');
      await expect(database.table('runs').getByRole('row')).toHaveCount(2);
      await expect(database.table('runs').getByRole('row').nth(1)).toContainText('running');
      await ingest.open();
      await expect(card.locator('.card-actions .badge')).toHaveText('Running');
      await expect(card).toContainText(`5 / ${corpus.total} files`);

      // Paused: nothing moves, and every place says so with the same counts as the record.
      await card.getByRole('button', { name: 'Pause' }).click();
      await expect(card.locator('.card-actions .badge')).toHaveText('Paused');
      await expect(card.getByTestId('eta')).toHaveText('ETA: paused');
      await expect(card).toContainText('Rate: paused');
      await expect(card).toContainText('No new file starts while paused; the 2 files in hand finish first.');
      await expect(runRow.getByRole('cell').nth(1)).toHaveText('Paused');
      await expect(runRow.getByRole('cell').nth(3)).toHaveText('2');
      await expect(runRow.getByRole('cell').nth(4)).toHaveText('3');
      // Its duration is the card's elapsed time (it said "—" beside "Elapsed: 16.6 s"), standing still while paused.
      const elapsed = (await card.textContent())?.match(/Elapsed: (.+? s)/)?.[1];
      await expect(runRow.getByRole('cell').nth(5)).toHaveText(elapsed ?? 'no Elapsed on the card');
      facts = libraryFacts(workspace.dbPath);
      expect([facts.documents, facts.failed, facts.runs[0].status]).toEqual([2, 3, 'paused']);
      expect(facts.runs[0].counts).toMatchObject({ ingested: 2, failed: 3 });
      await captureBothThemes(appPage, 'run-paused');
      await database.open();
      await database.selectTable('runs');
      await expect(database.table('runs').getByRole('row').nth(1)).toContainText('paused');
      await ingest.open();
      await expect(card.locator('.card-actions .badge')).toHaveText('Paused');

      // Cancelled while paused: the held files are left untouched (neither stored nor failed).
      await card.getByRole('button', { name: 'Cancel' }).click();
      await ingest.waitForSummary();
      await expect(appPage.locator('section.summary-card .summary-line')).toContainText(/^Cancelled in /);
      await expect(ingest.summaryCount('Ingested')).toHaveText('2');
      await expect(ingest.summaryCount('Failed')).toHaveText('3');
      await expect(runRow.getByRole('cell').nth(1)).toHaveText('Cancelled');
      await expect(runRow.getByRole('cell').nth(3)).toHaveText('2');
      await expect(runRow.getByRole('cell').nth(4)).toHaveText('3');
      await expect(ingest.shell.failedBadge()).toContainText('3');
      facts = libraryFacts(workspace.dbPath);
      expect([facts.documents, facts.failed, facts.runs[0].status]).toEqual([2, 3, 'cancelled']);
      // The files it never finished are named as such, and the preflight counts them as new again.
      const untouched = corpus.total - facts.documents - facts.failed;
      await expect(appPage.locator('section.summary-card .summary-line')).toContainText(`${untouched} files were not tried: the next run over this folder takes them.`);
      await expect(ingest.preflightCount('New')).toHaveText(String(untouched));
      expect(facts.runs[0].counts).toMatchObject({ ingested: 2, failed: 3 });
      // One duration everywhere: the summary line and the Recent runs cell read the stored milliseconds.
      const took = (await card.textContent())?.match(/Took: (.+?)(?:Ingested|$)/)?.[1];
      await expect(runRow.getByRole('cell').nth(5)).toHaveText(took ?? 'no Took on the card');
      await expect(appPage.locator('section.summary-card .summary-line')).toContainText(`Cancelled in ${took}`);
      await appPage.locator('section.summary-card').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await captureBothThemes(appPage, 'run-cancelled');
    } finally {
      release();
      await ai.close();
    }
  });

  test('the reprocess report counts what happened, and the library agrees', async ({ appPage, corpus, workspace }) => {
    await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
    const settings = new SettingsPage(appPage);
    await settings.open();
    await settings.setOcrDefault(true);
    await settings.save();

    const failed = new FailedFilesPage(appPage);
    await failed.open();
    await expect(failed.rows()).toHaveCount(3);
    await failed.grid().getByRole('checkbox', { name: 'Select all visible' }).check();
    await expect(appPage.getByLabel('Bulk actions')).toContainText('3 selected');
    // Three files: small enough to start without an estimate first.
    await appPage.getByRole('button', { name: 'Reprocess selected' }).click();

    const report = appPage.getByRole('dialog', { name: 'Reprocess report' });
    await expect(report).toBeVisible({ timeout: 120_000 });
    const outcome = report.getByLabel('Reprocess outcome');
    const n = async (term: string): Promise<number> => Number(await countIn(outcome, term).textContent());
    const succeeded = await n('Succeeded');
    const same = await n('Failed the same way');
    const different = await n('Failed differently');
    expect(succeeded + same + different).toBe(3);
    // The scan is read once OCR is on; the binary file fails exactly as before.
    await expect(report.getByRole('row').filter({ hasText: FAILING.scan })).toContainText('Ingested ✓');
    await expect(report.getByRole('row').filter({ hasText: FAILING.binary })).toContainText('Failed the same way');
    const facts = libraryFacts(workspace.dbPath);
    expect(facts.documents).toBe(corpus.good.length + succeeded);
    expect(facts.failed).toBe(same + different);
    await expect(failed.shell.failedBadge()).toContainText(String(facts.failed));
    await captureBothThemes(appPage, 'reprocess-report');
    await report.getByRole('button', { name: 'Close' }).click();
    await expect(failed.rows()).toHaveCount(facts.failed);
  });

  test('100 000 failed files and 100 000 documents: counts, groups and the last row match the library; the grid stays virtual', async ({ page, server, workspace }) => {
    test.setTimeout(600_000); // 200 000 rows with their indexes and search index: ≈ 90 s at load 20 on 2 cores
    const total = 100_000;
    seedLibrary(workspace.dbPath, { failures: total, documents: total });
    const facts = libraryFacts(workspace.dbPath);
    expect([facts.failed, facts.documents]).toEqual([total, total]);

    await page.goto(server.url);
    const failed = new FailedFilesPage(page);
    await failed.open();
    const totalText = await shown(page, total);
    await expect(failed.shell.failedBadge()).toContainText(totalText);
    // The sidebar holds "100,000" and the whole label beside it (the badge was squeezed, its text spilling out).
    expect((await overflow(failed.shell.failedBadge())).x, 'badge text cut').toBeLessThanOrEqual(0);
    expect((await overflow(failed.shell.nav().locator('.nav-label', { hasText: 'Failed files' }))).x, 'label cut').toBeLessThanOrEqual(0);
    await expect(page.getByText(`${totalText} failed files`)).toBeVisible();
    // The By-error card: each group's count is the library's.
    const groups = page.getByRole('region', { name: 'By error' }).locator('li.group');
    await expect(groups).toHaveCount(Object.keys(facts.failedByCode).length);
    for (const count of await groups.locator('.group-count').allTextContents()) expect(count).toBe(await shown(page, total / 5));
    // Virtual: a screenful of rows in the DOM, not 100 000.
    await expect(failed.rows().first()).toBeVisible();
    expect(await failed.rows().count()).toBeLessThan(80);
    await captureBothThemes(page, 'failed-files-100k');

    // End goes to the last row: the oldest failure in the library.
    await failed.rows().first().getByRole('gridcell').nth(1).click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('End');
    const oldest = oldestFailure(workspace.dbPath);
    await expect(failed.row(oldest.filename)).toBeVisible();
    await expect(failed.row(oldest.filename)).toHaveAttribute('aria-rowindex', String(total + 1));
    expect(await failed.rows().count()).toBeLessThan(80);

    const documents = new DocumentsPage(page);
    await documents.open();
    // The size of the library is in view at the top, not only after 50 rows.
    const pages = page.getByRole('navigation', { name: 'Documents pages', exact: true });
    await expect(pages).toContainText(`1–50 of ${totalText}`);
    await expect(pages).toBeInViewport();
    await expect(documents.table().getByRole('row').nth(1)).toContainText('invoice-000000.txt');
    await captureBothThemes(page, 'documents-100k');
    // Last is one click: the oldest document in the library.
    await pages.getByRole('button', { name: 'Last' }).click();
    await expect(pages).toContainText(`${await shown(page, total - 49)}–${totalText} of ${totalText}`);
    await expect(documents.table().getByRole('row').last()).toContainText(oldestDocument(workspace.dbPath).filename);
  });
});
