/**
 * Issue 14 in browser mode: watch a folder, drop a file in, see it arrive; and the coverage map of
 * an ingested folder, its numbers the service's, its failed count opening Failed files for that folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../fixtures';
import { ingestCorpus } from '../journey';
import { AppShell } from '../pages/shell';

const LETTER = 'Dentist appointment\n\nDear Ms Example,\n\nThank you for your letter of 12 March 2024. We confirm your appointment for a check-up on 3 April 2024 at 10:00; please arrive ten minutes early and bring your insurance card.\n\nKind regards,\nThe Example Dental Practice\n';

test('watching a folder: a file dropped in arrives in the library by itself', async ({ appPage, workspace }) => {
  const inbox = path.join(workspace.root, 'scanner-inbox');
  fs.mkdirSync(inbox);
  const shell = new AppShell(appPage);
  await shell.open('Watched folders');
  await expect(appPage.getByText('No watched folders yet.')).toBeVisible();
  await appPage.getByLabel('Folder to watch').fill(inbox);
  await appPage.getByRole('button', { name: 'Watch', exact: true }).click();
  const row = appPage.getByRole('table', { name: 'Watched folders' }).getByRole('row').nth(1);
  await expect(row.getByText('Watching')).toBeVisible({ timeout: 60_000 });

  fs.writeFileSync(path.join(inbox, 'dentist.txt'), LETTER);
  await expect(row.getByRole('cell').nth(2)).toHaveText('1', { timeout: 90_000 });
  await expect(row.getByText('dentist.txt')).toBeVisible();

  await shell.open('Documents');
  await expect(appPage.getByRole('table', { name: 'Documents' }).getByText(/dentist/i).first()).toBeVisible();
  await shell.open('Ingest');
  await expect(appPage.getByRole('table').filter({ hasText: 'scanner-inbox' }).getByText('watch', { exact: true }).first()).toBeVisible();

  await shell.open('Watched folders');
  await row.getByRole('button', { name: 'Pause scanner-inbox' }).click();
  await expect(row.getByText('Paused')).toBeVisible();
  await row.getByRole('button', { name: 'Remove scanner-inbox' }).click();
  await appPage.getByRole('dialog').getByRole('button', { name: 'Stop watching' }).click();
  await expect(appPage.getByText('No watched folders yet.')).toBeVisible();
});

test('coverage of an ingested folder agrees with the service, and its failed count opens Failed files for that folder', async ({ appPage, corpus, server }) => {
  await ingestCorpus(appPage, corpus, (page) => page.typeFolder(corpus.dir));
  fs.writeFileSync(path.join(corpus.dir, 'arrived-later.txt'), LETTER);
  const shell = new AppShell(appPage);
  await shell.open('Coverage');
  const table = appPage.getByRole('table', { name: `Coverage of ${corpus.dir}` });
  await expect(table).toBeVisible();
  await expect(appPage.getByRole('status', { name: 'Checking the disk for new files' })).toHaveCount(0);
  const want = await server.invoke<{ total: Record<string, number> }>('coverage.list', { folder: corpus.dir, disk: true });
  expect(want.total.unseen).toBe(1);
  const root = table.locator(`tr[data-path="${corpus.dir}"]`);
  const cells = root.getByRole('cell');
  const shown = ['ingested', 'duplicate', 'failed', 'unsupported', 'unseen'];
  for (const [i, k] of shown.entries()) await expect(cells.nth(i + 1)).toHaveText(want.total[k].toLocaleString('en'));
  expect(want.total.ingested).toBe(corpus.good.length);
  expect(want.total.failed).toBe(3);
  await expect(table.locator(`tr[data-path="${path.join(corpus.dir, 'arrived-later.txt')}"]`).getByText('Not yet seen')).toBeVisible();

  await root.getByRole('button', { name: /^3 failed in .*: show them$/ }).click();
  await expect(appPage.getByRole('heading', { level: 1, name: 'Failed files' })).toBeVisible();
  await expect(appPage.getByRole('button', { name: 'Remove the folder filter' })).toBeVisible();
  await expect(appPage.getByRole('grid', { name: 'Failed files' })).toContainText('binary.txt');
});
