import type { Locator, Page } from '@playwright/test';
import { AppShell } from './shell';

export class DocumentsPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<void> {
    await this.shell.open('Documents');
  }

  table(): Locator {
    return this.page.getByRole('table', { name: 'Documents' });
  }

  row(filename: string): Locator {
    return this.table().getByRole('row').filter({ hasText: filename });
  }
}
