import { expect, type Locator, type Page } from '@playwright/test';
import { AppShell } from './shell';

/** The table browser: every user table, with edit and delete through whitelisted columns. */
export class DatabasePage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<void> {
    await this.shell.open('Database');
  }

  async selectTable(name: string): Promise<void> {
    await this.page.getByLabel('Table', { exact: true }).selectOption(name);
    await expect(this.table(name)).toBeVisible();
  }

  table(name: string): Locator {
    return this.page.getByRole('table', { name: `Rows of ${name}` });
  }

  row(tableName: string, text: string): Locator {
    return this.table(tableName).getByRole('row').filter({ hasText: text });
  }

  dialog(): Locator {
    return this.page.getByRole('dialog');
  }
}
