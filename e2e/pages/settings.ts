import { expect, type Page } from '@playwright/test';
import { AppShell } from './shell';

export class SettingsPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<void> {
    await this.shell.open('Settings');
  }

  async setOcrDefault(on: boolean): Promise<void> {
    await this.page.getByRole('checkbox', { name: 'OCR on by default' }).setChecked(on);
  }

  async save(): Promise<void> {
    const save = this.page.getByRole('button', { name: 'Save', exact: true });
    await save.click();
    await expect(save).toBeEnabled();
  }
}
