import { expect, type Locator, type Page } from '@playwright/test';
import { AppShell } from './shell';

/** The failed-files inspector: the grid, the detail pane and the bulk actions. */
export class FailedFilesPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<void> {
    await this.shell.open('Failed files');
  }

  grid(): Locator {
    return this.page.getByRole('grid', { name: 'Failed files' });
  }

  /** Data rows only (the header row holds column headers). */
  rows(): Locator {
    return this.grid().getByRole('row').filter({ has: this.page.getByRole('gridcell') });
  }

  row(filename: string): Locator {
    return this.rows().filter({ hasText: filename });
  }

  async openDetail(filename: string): Promise<Locator> {
    await this.row(filename).getByRole('gridcell').nth(1).click();
    const detail = this.detail();
    await expect(detail.getByRole('heading', { name: filename })).toBeVisible();
    return detail;
  }

  detail(): Locator {
    return this.page.getByLabel('Failed file details');
  }

  async select(filename: string): Promise<void> {
    await this.row(filename).getByRole('checkbox', { name: `Select ${filename}` }).check();
  }
}
