/**
 * Browser mode, issue 10's screens: Documents (dates on one line, a readable text box, the
 * original downloaded through the page), the folder picker (every granted root, Up, recent
 * folders) and the inbox beside the library in use.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, makeWorkspace, startBrowserMode } from '../fixtures';
import { INVOICE_TEXT } from '../corpus';
import { ingestCorpus } from '../journey';
import { lineCount } from '../layout';
import { DocumentsPage } from '../pages/documents';
import { IngestPage } from '../pages/ingest';

test.describe('browser mode: documents, folders and the inbox', () => {
  test('Documents: dates stay on one line, the text box is readable, and the original downloads with what browser mode can do said', async ({ appPage, corpus }) => {
    await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
    const docs = new DocumentsPage(appPage);
    await docs.open();
    const rows = docs.table().locator('tbody tr');
    await expect(rows).toHaveCount(corpus.good.length);
    for (const cell of await docs.table().locator('tbody td:nth-child(4), tbody td:nth-child(5)').all()) {
      expect(await lineCount(cell), await cell.innerText()).toBe(1);
    }

    await docs.row('invoice-2024-0042.txt').click();
    const pane = appPage.getByLabel('Document details');
    const text = pane.getByLabel('Extracted text');
    await expect(text).toBeVisible();
    expect((await text.boundingBox())!.height).toBeGreaterThanOrEqual(200);
    // Dates in the table still on one line with the pane open.
    for (const cell of await docs.table().locator('tbody td:nth-child(5)').all()) expect(await lineCount(cell)).toBe(1);
    // The type's chip is not repeated by a tag.
    const chips = await pane.locator('.detail-badges .badge').allInnerTexts();
    expect(new Set(chips.map((c) => c.toLowerCase())).size).toBe(chips.length);

    await expect(pane.getByRole('button', { name: 'Open original' })).toHaveCount(0);
    await expect(pane).toContainText('Browser mode cannot open files on this computer’s desktop');
    const downloading = appPage.waitForEvent('download');
    await pane.getByRole('button', { name: 'Download original' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('invoice-2024-0042.txt');
    const saved = path.join(test.info().outputDir, 'downloaded.txt');
    await download.saveAs(saved);
    expect(fs.readFileSync(saved, 'utf8')).toBe(INVOICE_TEXT);
    await expect(pane.getByRole('status')).toHaveText('Downloaded invoice-2024-0042.txt.');
  });

  test('the folder picker lists every granted root, climbs with Up, and offers the folders ingested lately', async ({ appPage, corpus }) => {
    await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
    const ingest = new IngestPage(appPage);
    await appPage.getByRole('button', { name: 'Choose folder…' }).click();
    const dialog = appPage.getByRole('dialog', { name: 'Choose a folder' });
    await expect(dialog).toBeVisible();
    const places = dialog.getByRole('navigation', { name: 'Places' });
    // Home and the temp folder (the inbox too, once something was dropped): all reachable from the start.
    const home = fs.realpathSync(os.homedir());
    // allInnerTexts does not wait: poll until the roots have arrived from the server.
    const roots = places.getByRole('list').first().getByRole('button');
    await expect.poll(() => roots.allInnerTexts()).toEqual(expect.arrayContaining([home, fs.realpathSync(path.dirname(path.dirname(corpus.dir)))]));
    // It opens at the folder in the path field; Up climbs to the top of its root (the temp folder), and no further.
    const here = dialog.locator('.folder-current');
    await expect(here).toHaveText(corpus.dir);
    const up = dialog.getByRole('button', { name: '↑ Up' });
    await up.click();
    await expect(here).toHaveText(path.dirname(corpus.dir));
    await up.click();
    await expect(here).toHaveText(fs.realpathSync(path.dirname(path.dirname(corpus.dir))));
    await expect(up).toBeDisabled();
    // Another root is one click away.
    await places.getByRole('button', { name: home, exact: true }).click();
    await expect(here).toHaveText(home);

    // The recent folder is the corpus; inside it, Up climbs back to its parent.
    await dialog.getByRole('list', { name: 'Recent folders' }).getByRole('button', { name: corpus.dir }).click();
    await expect(here).toHaveText(corpus.dir);
    await dialog.getByRole('list', { name: 'Folders' }).getByRole('button', { name: /letters/ }).click();
    await expect(here).toHaveText(path.join(corpus.dir, 'letters'));
    await up.click();
    await expect(here).toHaveText(corpus.dir);
    await dialog.getByRole('button', { name: 'Use this folder' }).click();
    await expect(dialog).toBeHidden();
    await expect(ingest.preflight()).toBeVisible();
    await expect(ingest.preflightCount('Known unchanged')).toHaveText(String(corpus.good.length));
  });

  test('dropped files go to the inbox beside the library given with --db, and are ingested from there', async ({ page }) => {
    const ws = makeWorkspace();
    const elsewhere = path.join(ws.root, 'elsewhere');
    const server = await startBrowserMode({ ...ws, dbPath: path.join(elsewhere, 'lib.db') });
    try {
      await page.goto(server.url);
      const ingest = new IngestPage(page);
      await ingest.open();
      const inbox = path.join(elsewhere, 'inbox');
      await expect(page.getByRole('region', { name: 'Drop zone' })).toContainText(inbox);
      // A drop of two files, as the browser delivers it.
      await page.getByRole('region', { name: 'Drop zone' }).evaluate((zone, text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'invoice.txt', { type: 'text/plain' }));
        dt.items.add(new File([text.replace('0042', '0043')], 'invoice-2.txt', { type: 'text/plain' }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, INVOICE_TEXT);
      await expect(ingest.preflightCount('New')).toHaveText('2');
      const uploaded = fs.readdirSync(inbox, { recursive: true }).map(String).filter((f) => f.endsWith('.txt'));
      expect(uploaded.map((f) => path.basename(f)).sort()).toEqual(['invoice-2.txt', 'invoice.txt']);
      expect(fs.existsSync(path.join(ws.dataDir, 'inbox'))).toBe(false);
      await ingest.start();
      await ingest.waitForSummary();
      await expect(ingest.summaryCount('Ingested')).toHaveText('2');
      const docs = await server.invoke<{ rows: { filePath: string }[] }>('documents.list', { limit: 10 });
      expect(docs.rows.every((r) => r.filePath.startsWith(inbox + path.sep))).toBe(true);
    } finally {
      await server.stop();
      fs.rmSync(ws.root, { recursive: true, force: true });
    }
  });
});
