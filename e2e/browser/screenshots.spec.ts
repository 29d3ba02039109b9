/**
 * Every screen in light and dark. Written to test-results/screenshots; with
 * UPDATE_SCREENSHOTS=1 to docs/screenshots (the ones the README shows).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../fixtures';
import { FAILING, ingestCorpus } from '../journey';
import type { Corpus } from '../corpus';
import { AppShell, type ScreenName } from '../pages/shell';
import { DatabasePage } from '../pages/database';
import { DocumentsPage } from '../pages/documents';
import { FailedFilesPage } from '../pages/failed';
import { pick, shotDir as outDir } from '../screens';

const DENTIST = 'Dentist appointment\n\nDear Ms Example,\n\nThank you for your letter of 12 March 2024. We confirm your check-up on 3 April 2024 at 10:00; please bring your insurance card.\n\nKind regards,\nThe Example Dental Practice\n';

const SCREENS: { file: string; screen: ScreenName; prepare?: (shell: AppShell, corpus: Corpus) => Promise<void> }[] = [
  { file: 'ingest', screen: 'Ingest' },
  {
    // A scanner's inbox, watched: one letter brought in by itself.
    file: 'watched-folders',
    screen: 'Watched folders',
    prepare: async (shell, corpus) => {
      const page = shell.page;
      const inbox = path.join(path.dirname(corpus.dir), 'scanner-inbox');
      if (!fs.existsSync(inbox)) {
        fs.mkdirSync(inbox);
        await page.getByLabel('Folder to watch').fill(inbox);
        await page.getByRole('button', { name: 'Watch', exact: true }).click();
        const row = page.getByRole('table', { name: 'Watched folders' }).getByRole('row').nth(1);
        await expect(row.getByText('Watching')).toBeVisible({ timeout: 60_000 });
        fs.writeFileSync(path.join(inbox, 'dentist-appointment.txt'), DENTIST);
        await expect(row.getByRole('cell').nth(2)).toHaveText('1', { timeout: 90_000 });
      }
    },
  },
  {
    file: 'coverage',
    screen: 'Coverage',
    prepare: async (shell, corpus) => {
      const page = shell.page;
      await page.getByLabel('Folder', { exact: true }).fill(corpus.dir);
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      await expect(page.getByRole('table', { name: `Coverage of ${corpus.dir}` })).toBeVisible();
      await expect(page.getByRole('status', { name: 'Checking the disk for new files' })).toHaveCount(0);
      const expand = page.getByRole('button', { name: 'Expand letters' });
      if (await expand.isVisible()) await expand.click();
      await expect(page.getByRole('button', { name: 'Collapse letters' })).toBeVisible();
    },
  },
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

// SCREENSHOTS_ONLY=documents (or watched,coverage) refreshes the screens whose file name starts with it.
const chosen = pick(SCREENS);
const chosenEmpty = pick(EMPTY);

test('screenshots of every screen, light and dark', async ({ appPage, corpus }) => {
  // SCREENSHOTS_ONLY may name only the run states (run-states.spec.ts takes those).
  if (chosen.length + chosenEmpty.length === 0) return;
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
      await prepare?.(shell, corpus);
      await expect(appPage.getByRole('status', { name: /Loading/ })).toHaveCount(0);
      await appPage.screenshot({ path: path.join(outDir, `${file}-${theme}.png`), animations: 'disabled', caret: 'hide' });
      if ((await appPage.getByRole('dialog').count()) > 0) await appPage.keyboard.press('Escape');
      await expect(appPage.getByRole('dialog')).toHaveCount(0);
    }
  }
  expect(fs.readdirSync(outDir).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual((chosen.length + chosenEmpty.length) * 2);
});
