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
  {
    // Browser mode's folder picker: every folder Intake may read, recent folders, Up.
    file: 'folder-picker',
    screen: 'Ingest',
    prepare: async (shell) => {
      await shell.page.getByRole('button', { name: 'Choose folder…' }).click();
      await expect(shell.page.getByRole('dialog', { name: 'Choose a folder' }).getByRole('list', { name: 'Recent folders' })).toBeVisible();
    },
  },
];

/** The same screens before anything was ingested: what a new user sees first. */
const EMPTY: { file: string; screen: ScreenName }[] = [
  { file: 'empty-ingest', screen: 'Ingest' },
  { file: 'empty-failed-files', screen: 'Failed files' },
  { file: 'empty-documents', screen: 'Documents' },
];

// SCREENSHOTS_ONLY=documents refreshes the screens whose file name starts with it (one screen's work).
const only = process.env.SCREENSHOTS_ONLY;
const chosen = only ? SCREENS.filter((s) => s.file.startsWith(only)) : SCREENS;
const chosenEmpty = only ? EMPTY.filter((s) => s.file.startsWith(only)) : EMPTY;

test('screenshots of every screen, light and dark', async ({ appPage, corpus }) => {
  fs.mkdirSync(outDir, { recursive: true });
  await appPage.setViewportSize({ width: 1280, height: 820 });
  const shell = new AppShell(appPage);
  for (const theme of ['light', 'dark'] as const) {
    await appPage.emulateMedia({ colorScheme: theme });
    for (const { file, screen } of chosenEmpty) {
      await shell.open(screen);
      await expect(appPage.getByRole('status', { name: /Loading/ })).toHaveCount(0);
      await appPage.screenshot({ path: path.join(outDir, `${file}-${theme}.png`), animations: 'disabled', caret: 'hide' });
    }
  }
  await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
  for (const theme of ['light', 'dark'] as const) {
    await appPage.emulateMedia({ colorScheme: theme });
    for (const { file, screen, prepare } of chosen) {
      await shell.open(screen);
      await prepare?.(shell);
      await expect(appPage.getByRole('status', { name: /Loading/ })).toHaveCount(0);
      await appPage.screenshot({ path: path.join(outDir, `${file}-${theme}.png`), animations: 'disabled', caret: 'hide' });
      if ((await appPage.getByRole('dialog').count()) > 0) await appPage.keyboard.press('Escape');
      await expect(appPage.getByRole('dialog')).toHaveCount(0);
    }
  }
  expect(fs.readdirSync(outDir).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual((chosen.length + chosenEmpty.length) * 2);
});
