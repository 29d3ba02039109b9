import { test, expect } from '../fixtures';
import { FAILING, ingestCorpus } from '../journey';
import { DatabasePage } from '../pages/database';
import { DocumentsPage } from '../pages/documents';
import { FailedFilesPage } from '../pages/failed';
import { SettingsPage } from '../pages/settings';

test.describe('browser mode: ingest, inspect and fix failed files', () => {
  test('a typed folder is checked, ingested with live progress, and summarised', async ({ appPage, corpus }) => {
    const ingest = await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
    await expect(ingest.summaryCount('Skipped existing')).toHaveText('0');
    await expect(appPage.getByRole('region', { name: 'Recent runs' }).getByRole('row')).toHaveCount(2);
    await expect(ingest.shell.failedBadge()).toContainText('3');
  });

  test('Failed files lists each bad file with its stage and reason; the scan is ingested once OCR is on and it is reset & reprocessed', async ({ appPage, corpus }) => {
    await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
    const failed = new FailedFilesPage(appPage);
    await failed.open();
    await expect(failed.rows()).toHaveCount(3);
    await expect(failed.row(FAILING.scan)).toContainText('Extract text');
    await expect(failed.row(FAILING.scan)).toContainText('OCR disabled');
    await expect(failed.row(FAILING.tooShort)).toContainText('Extract text');
    await expect(failed.row(FAILING.tooShort)).toContainText(/insufficient text/i);
    await expect(failed.row(FAILING.binary)).toContainText(/binary/i);

    const settings = new SettingsPage(appPage);
    await settings.open();
    await settings.setOcrDefault(true);
    await settings.save();

    await failed.open();
    const detail = await failed.openDetail(FAILING.scan);
    await detail.getByRole('button', { name: 'Reset & reprocess' }).click();
    await expect(detail.getByRole('status').filter({ hasText: 'Ingested' })).toBeVisible({ timeout: 90_000 });
    await expect(failed.row(FAILING.scan)).toHaveCount(0);
    await expect(failed.rows()).toHaveCount(2);

    const documents = new DocumentsPage(appPage);
    await documents.open();
    await expect(documents.row(FAILING.scan)).toBeVisible();
    await expect(documents.table().getByRole('row')).toHaveCount(corpus.good.length + 2);
  });

  test('bulk reset removes the selected rows and nothing else', async ({ appPage, corpus }) => {
    await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
    const failed = new FailedFilesPage(appPage);
    await failed.open();
    await expect(failed.rows()).toHaveCount(3);
    await failed.select(FAILING.tooShort);
    await failed.select(FAILING.binary);
    await appPage.getByRole('button', { name: 'Reset selected' }).click();
    await expect(failed.rows()).toHaveCount(1);
    await expect(failed.row(FAILING.scan)).toBeVisible();
    await expect(failed.shell.failedBadge()).toContainText('1');
  });

  test('the Database page edits and deletes a failed_files row', async ({ appPage, corpus }) => {
    await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
    const db = new DatabasePage(appPage);
    await db.open();
    await db.selectTable('failed_files');
    const row = db.row('failed_files', FAILING.tooShort);
    await expect(row).toHaveCount(1);

    await row.getByRole('button', { name: /^Edit row/ }).click();
    const dialog = db.dialog();
    await expect(dialog).toBeVisible();
    await dialog.getByLabel(/^reason\b/).fill('checked by hand: too short on purpose');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toContainText('checked by hand: too short on purpose');

    await row.getByRole('button', { name: /^Delete row/ }).click();
    await appPage.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(db.row('failed_files', FAILING.tooShort)).toHaveCount(0);

    const failed = new FailedFilesPage(appPage);
    await failed.open();
    await expect(failed.rows()).toHaveCount(2);
    await expect(failed.row(FAILING.tooShort)).toHaveCount(0);
  });
});
