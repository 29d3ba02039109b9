/**
 * Every screen in light and dark. Written to test-results/screenshots; with
 * UPDATE_SCREENSHOTS=1 to docs/screenshots (the ones the README shows).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, repoRoot } from '../fixtures';
import { FAILING, ingestCorpus } from '../journey';
import { AppShell, type ScreenName } from '../pages/shell';
import { DatabasePage } from '../pages/database';
import { DocumentsPage } from '../pages/documents';
import { FailedFilesPage } from '../pages/failed';

const outDir = process.env.UPDATE_SCREENSHOTS ? path.join(repoRoot, 'docs', 'screenshots') : path.join(repoRoot, 'test-results', 'screenshots');

const SCREENS: { file: string; screen: ScreenName; prepare?: (shell: AppShell) => Promise<void> }[] = [
  { file: 'ingest', screen: 'Ingest' },
  {
    file: 'failed-files',
    screen: 'Failed files',
    prepare: async (shell) => {
      await new FailedFilesPage(shell.page).openDetail(FAILING.scan);
    },
  },
  {
    file: 'documents',
    screen: 'Documents',
    prepare: async (shell) => {
      const docs = new DocumentsPage(shell.page);
      await shell.page.getByLabel('Search documents').fill('');
      await docs.row('invoice-2024-0042.txt').click();
      await expect(shell.page.getByLabel('Document details').getByLabel('Extracted text')).toBeVisible();
    },
  },
  {
    // A search: hybrid by default, the best passage with the query's words marked.
    file: 'documents-search',
    screen: 'Documents',
    prepare: async (shell) => {
      const page = shell.page;
      if (await page.getByRole('button', { name: 'Close details' }).isVisible()) await page.getByRole('button', { name: 'Close details' }).click();
      await page.getByLabel('Search documents').fill('garden budget');
      await expect(page.getByRole('table', { name: 'Documents' }).locator('mark').first()).toBeVisible({ timeout: 30_000 });
    },
  },
  {
    file: 'database',
    screen: 'Database',
    prepare: async (shell) => {
      await new DatabasePage(shell.page).selectTable('failed_files');
    },
  },
  { file: 'settings', screen: 'Settings' },
];

// SCREENSHOTS_ONLY=documents refreshes the screens whose file name starts with it (one screen's work).
const only = process.env.SCREENSHOTS_ONLY;
const chosen = only ? SCREENS.filter((s) => s.file.startsWith(only)) : SCREENS;

test('screenshots of every screen, light and dark', async ({ appPage, corpus }) => {
  fs.mkdirSync(outDir, { recursive: true });
  await appPage.setViewportSize({ width: 1280, height: 820 });
  await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
  const shell = new AppShell(appPage);
  for (const theme of ['light', 'dark'] as const) {
    await appPage.emulateMedia({ colorScheme: theme });
    for (const { file, screen, prepare } of chosen) {
      await shell.open(screen);
      await prepare?.(shell);
      await expect(appPage.getByRole('status', { name: /Loading/ })).toHaveCount(0);
      await appPage.screenshot({ path: path.join(outDir, `${file}-${theme}.png`), animations: 'disabled', caret: 'hide' });
    }
  }
  expect(fs.readdirSync(outDir).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(chosen.length * 2);
});
