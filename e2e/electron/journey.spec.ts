/**
 * The same journey in the desktop app, launched with _electron. The native folder dialog is
 * replaced in the main process (as Joplin's setFilePickerResponse does). Where the Electron
 * runtime is not installed this is the one skip the suite allows.
 */
import fs from 'node:fs';
import { _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { electronBinary } from '../../scripts/electron-runtime.mjs';
import { writeCorpus, type Corpus } from '../corpus';
import { expect, makeWorkspace, repoRoot, test as base, type Workspace } from '../fixtures';
import { FAILING, ingestCorpus } from '../journey';
import { DocumentsPage } from '../pages/documents';
import { FailedFilesPage } from '../pages/failed';
import { SettingsPage } from '../pages/settings';

const binary = electronBinary();

const test = base.extend<{ desktop: { app: ElectronApplication; window: Page; ws: Workspace; corpus: Corpus } }>({
  desktop: async ({ browser }, use) => {
    const ws = makeWorkspace('intake-e2e-electron-');
    const corpus = await writeCorpus(ws.docs, browser);
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [repoRoot, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, INTAKE_DATA_DIR: ws.dataDir, INTAKE_DB: ws.dbPath, ELECTRON_ENABLE_LOGGING: '1' },
    });
    await app.evaluate(({ dialog }, folder) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [folder] })) as typeof dialog.showOpenDialog;
    }, corpus.dir);
    const window = await app.firstWindow();
    await expect(window.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await use({ app, window, ws, corpus });
    await app.close();
    fs.rmSync(ws.root, { recursive: true, force: true });
  },
});

test.describe('desktop app', () => {
  test.skip(!binary, 'Electron runtime not installed');

  test('the window is locked down and the page sees only window.api', async ({ desktop }) => {
    // The values themselves are unit-tested (test/shell/security.test.ts); here, their effect.
    const csp = await desktop.window.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    const seen = await desktop.window.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      api: Object.keys((window as unknown as { api: object }).api).sort(),
    }));
    expect(seen).toEqual({ require: 'undefined', api: ['invoke', 'on', 'pathForFile'] });
    const opened = await desktop.window.evaluate(() => window.open('https://example.com/') === null);
    expect(opened).toBe(true);
    expect(desktop.app.windows()).toHaveLength(1);
    await desktop.window.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await expect(desktop.window.getByRole('navigation', { name: 'Main' })).toBeVisible();
    expect(desktop.window.url()).toMatch(/^app:\/\/intake\//);
  });

  test('choose folder → progress → summary; the scan is fixed by OCR and Reset & reprocess', async ({ desktop }) => {
    const { window, corpus } = desktop;
    await window.evaluate(() => (window as unknown as { api: { invoke(c: string, i: unknown): Promise<unknown> } }).api.invoke('settings.set', { ocr: false }));
    await ingestCorpus(window, corpus, (page) => page.chooseFolder());

    const failed = new FailedFilesPage(window);
    await failed.open();
    await expect(failed.rows()).toHaveCount(3);
    await expect(failed.row(FAILING.scan)).toContainText('Extract text');

    const settings = new SettingsPage(window);
    await settings.open();
    await settings.setOcrDefault(true);
    await settings.save();

    await failed.open();
    const detail = await failed.openDetail(FAILING.scan);
    await detail.getByRole('button', { name: 'Reset & reprocess' }).click();
    await expect(detail.getByRole('status').filter({ hasText: 'Ingested' })).toBeVisible({ timeout: 90_000 });
    await expect(failed.rows()).toHaveCount(2);

    const documents = new DocumentsPage(window);
    await documents.open();
    await expect(documents.row(FAILING.scan)).toBeVisible();
  });
});
