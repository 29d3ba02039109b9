/**
 * Layout at 1280×800, measured: headers not cut, header and body columns on the same edges,
 * file names readable with the detail pane open, no inner scrollbar in the By-error card, and a
 * focus ring that no container clips.
 */
import { test, expect } from '../fixtures';
import { FAILING, ingestCorpus } from '../journey';
import { cellEdges, focusRing, innerScrollers, overflow, scrollAncestors, visibleInViewport } from '../layout';
import { DatabasePage } from '../pages/database';
import { FailedFilesPage } from '../pages/failed';

test.describe('layout at 1280×800', () => {
  test('Failed files: every header whole and over its column, with the pane closed and open', async ({ appPage, corpus }) => {
    await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
    const failed = new FailedFilesPage(appPage);
    await failed.open();
    await expect(failed.rows()).toHaveCount(3);
    const header = failed.grid().getByRole('row').first();
    const body = failed.row(FAILING.scan);

    for (const pane of ['closed', 'open'] as const) {
      if (pane === 'open') await failed.openDetail(FAILING.scan);
      const names = await header.getByRole('columnheader').allInnerTexts();
      expect(names.map((n) => n.replace(/[▲▼]/g, '').trim()), `headers with the pane ${pane}`).toEqual(
        pane === 'closed' ? ['', 'File', 'Stage', 'Reason', 'Class', 'Error', 'Failed', 'Attempts'] : ['', 'File', 'Stage', 'Reason', 'Error', 'Failed', 'Attempts'], // Class gives way to the pane, which shows it
      );
      // Each header's label lies inside its cell (not pushed out at either side) and its text is not cut.
      const cut = await header.evaluate((row) =>
        [...row.querySelectorAll('[role="columnheader"]')]
          .filter((c) => (c as HTMLElement).offsetWidth > 0)
          .map((c) => {
            const cell = c.getBoundingClientRect();
            const label = (c.querySelector('button, .header-label, input') as HTMLElement).getBoundingClientRect();
            const text = c.querySelector('button, .header-label') as HTMLElement | null;
            return { name: (c.textContent ?? '').trim(), outside: label.left < cell.left - 0.5 || label.right > cell.right + 0.5, textCut: text ? text.scrollWidth > text.clientWidth : false };
          })
          .filter((h) => h.outside || h.textCut),
      );
      expect(cut, `cut headers with the pane ${pane}`).toEqual([]);
      // Header and body cells share their left and right edges (to the pixel).
      const heads = await cellEdges(header, 'columnheader');
      const cells = await cellEdges(body, 'gridcell');
      expect(heads.length).toBe(cells.length);
      for (let i = 0; i < heads.length; i++) {
        expect(Math.abs(heads[i].left - cells[i].left), `column ${i} left edge, pane ${pane}`).toBeLessThanOrEqual(1);
        expect(Math.abs(heads[i].right - cells[i].right), `column ${i} right edge, pane ${pane}`).toBeLessThanOrEqual(1);
      }
      // The whole file name shows ("bakery-receipt.png", 18 characters), and the Error column stays.
      const name = body.getByRole('gridcell').nth(1).locator('.mid-ellipsis-head');
      expect((await overflow(name)).x, `file name cut with the pane ${pane}`).toBeLessThanOrEqual(0);
      const error = body.locator('.col-code');
      await expect(error).toBeVisible();
      expect((await error.boundingBox())!.width).toBeGreaterThanOrEqual(90);
    }
  });

  test('Failed files: the By-error card has no scrollbar of its own and its focus rings show whole', async ({ appPage, corpus }) => {
    await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
    const failed = new FailedFilesPage(appPage);
    await failed.open();
    const card = appPage.locator('.groups-card');
    await expect(card.getByRole('listitem')).toHaveCount(2);
    expect(await innerScrollers(card)).toEqual([]);

    // Keyboard into the card: every control's ring must be drawn whole.
    await appPage.getByRole('checkbox', { name: 'Eligible for retry only' }).focus();
    const seen: string[] = [];
    for (let i = 0; i < 30 && seen.length < 4; i++) {
      await appPage.keyboard.press('Tab');
      const inCard = await card.evaluate((el) => el.contains(document.activeElement));
      if (!inCard) continue;
      const ring = await focusRing(appPage);
      expect(ring.focusVisible, ring.text).toBe(true);
      expect(ring.outline, ring.text).toBeGreaterThanOrEqual(2);
      expect(ring.clippedBy, `focus ring of "${ring.text}"`).toEqual([]);
      seen.push(ring.text);
    }
    expect(seen).toEqual(['Too little text', expect.stringMatching(/^Retry this group/), 'Binary content', expect.stringMatching(/^Retry this group/)]);
  });

  test('Database: names readable, hashes narrow, Edit and Delete in view without scrolling sideways', async ({ appPage, corpus }) => {
    await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
    const db = new DatabasePage(appPage);
    await db.open();
    for (const table of ['failed_files', 'documents'] as const) {
      await db.selectTable(table);
      const scroller = appPage.locator('.table-scroll');
      const view = await scroller.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { left: r.left + el.clientLeft, right: r.left + el.clientLeft + el.clientWidth };
      });
      const row = db.table(table).locator('tbody tr').first();
      for (const side of ['start', 'end'] as const) {
        await scroller.evaluate((el, s) => (el.scrollLeft = s === 'start' ? 0 : el.scrollWidth), side);
        for (const name of [/^Edit row/, /^Delete row/]) {
          const box = (await row.getByRole('button', { name }).boundingBox())!;
          expect(box.x, `${table}: ${name} at the ${side}`).toBeGreaterThanOrEqual(view.left - 0.5);
          expect(box.x + box.width, `${table}: ${name} at the ${side}`).toBeLessThanOrEqual(view.right + 0.5);
        }
      }
      await scroller.evaluate((el) => (el.scrollLeft = 0));
      const widths = await db.table(table).evaluate((t) => {
        const heads = [...t.querySelectorAll('thead th')].map((th) => th.textContent?.replace(/[▲▼]/g, '').trim() ?? '');
        const cells = [...t.querySelectorAll('tbody tr:first-child td')];
        const at = (name: string) => cells[heads.indexOf(name)] as HTMLElement | undefined;
        const text = at('filename')?.querySelector('.cell-text') as HTMLElement | null;
        return { hash: at('file_hash')?.getBoundingClientRect().width ?? 0, filename: at('filename')?.getBoundingClientRect().width ?? 0, filenameCut: text ? text.scrollWidth > text.clientWidth : true };
      });
      expect(widths.hash, `${table}: hash column`).toBeLessThanOrEqual(130);
      expect(widths.filename, `${table}: filename column`).toBeGreaterThanOrEqual(110);
      expect(widths.filenameCut, `${table}: file name cut`).toBe(false);
    }
  });

  test('Settings: Save is in view and not covered at 1280×800, light and dark, for either provider, at the top and the end of the form', async ({ appPage }) => {
    await appPage.setViewportSize({ width: 1280, height: 800 });
    await appPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    const save = appPage.getByRole('button', { name: 'Save', exact: true });
    await expect(save).toBeVisible();
    for (const theme of ['light', 'dark'] as const) {
      await appPage.emulateMedia({ colorScheme: theme });
      for (const provider of ['Local', 'OpenAI-compatible'] as const) {
        await appPage.getByRole('radio', { name: provider }).check();
        for (const at of ['top', 'end'] as const) {
          await scrollAncestors(save, at);
          const where = await visibleInViewport(save);
          const what = `${theme}, ${provider}, scrolled to the ${at}`;
          expect(where.top, `${what}: Save starts in the viewport`).toBeGreaterThanOrEqual(0);
          expect(where.bottom, `${what}: Save ends in the viewport`).toBeLessThanOrEqual(where.viewport);
          expect(where.covered, `${what}: nothing drawn over Save`).toBeNull();
        }
      }
    }
  });
});
