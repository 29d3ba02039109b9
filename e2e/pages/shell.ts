import { expect, type Locator, type Page } from '@playwright/test';

export type ScreenName = 'Ingest' | 'Watched folders' | 'Coverage' | 'Failed files' | 'Documents' | 'Database' | 'Settings';

/** The sidebar and whatever is common to every screen. */
export class AppShell {
  constructor(readonly page: Page) {}

  nav(): Locator {
    return this.page.getByRole('navigation', { name: 'Main' });
  }

  async open(screen: ScreenName): Promise<void> {
    await this.nav().getByRole('link', { name: screen, exact: true }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: screen })).toBeVisible();
  }

  failedBadge(): Locator {
    return this.nav().getByTestId('failed-count');
  }
}
