import { expect, type Locator, type Page } from '@playwright/test';
import { AppShell } from './shell';

export class IngestPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<void> {
    await this.shell.open('Ingest');
  }

  /** Browser mode: type the folder into "Folder path" and check it (the preflight). */
  async typeFolder(folder: string): Promise<void> {
    await this.page.getByLabel('Folder path').fill(folder);
    await this.page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect(this.preflight()).toBeVisible();
  }

  /** Electron: "Choose folder…" with the native dialog mocked by the test. */
  async chooseFolder(): Promise<void> {
    await this.page.getByRole('button', { name: 'Choose folder…' }).click();
    await expect(this.preflight()).toBeVisible();
  }

  preflight(): Locator {
    return this.page.locator('dl[aria-label="Preflight counts"]');
  }

  preflightCount(term: string): Locator {
    return countIn(this.preflight(), term);
  }

  async setOcr(on: boolean): Promise<void> {
    await this.page.getByRole('region', { name: 'Options' }).getByRole('checkbox', { name: 'OCR', exact: true }).setChecked(on);
  }

  async start(): Promise<void> {
    await this.page.getByRole('button', { name: 'Start', exact: true }).click();
  }

  progressbar(): Locator {
    return this.page.getByRole('progressbar', { name: 'Ingest progress' });
  }

  /** The live run card ("Run N"), with its status badge, counts and current files. */
  progressCard(): Locator {
    return this.page.locator('section.progress-card');
  }

  progressCount(term: string): Locator {
    return countIn(this.progressCard().locator('dl.counts'), term);
  }

  /** The Recent runs row of run `id` (rows are newest first; the Started cell has no id, so by position). */
  recentRuns(): Locator {
    return this.page.getByRole('region', { name: 'Recent runs' }).getByRole('row');
  }

  summary(): Locator {
    return this.page.locator('dl[aria-label="Run summary"]');
  }

  summaryCount(term: string): Locator {
    return countIn(this.summary(), term);
  }

  async waitForSummary(): Promise<void> {
    await expect(this.summary()).toBeVisible({ timeout: 90_000 });
  }
}

/** The <dd> after the <dt> whose text is exactly `term`. */
export function countIn(list: Locator, term: string): Locator {
  return list.locator('div').filter({ has: list.page().locator('dt', { hasText: new RegExp(`^${term.replace(/[()]/g, '\\$&')}$`) }) }).locator('dd');
}
