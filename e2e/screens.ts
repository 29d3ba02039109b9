/**
 * Where README pictures go, and which ones to take: docs/screenshots with UPDATE_SCREENSHOTS=1
 * (`npm run screenshots`), else test-results/screenshots. SCREENSHOTS_ONLY=documents (or a comma
 * list, e.g. run-paused,failed-files-100k) takes only the files whose name starts with one of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { repoRoot } from './fixtures';

export const shotDir = process.env.UPDATE_SCREENSHOTS ? path.join(repoRoot, 'docs', 'screenshots') : path.join(repoRoot, 'test-results', 'screenshots');

const only = process.env.SCREENSHOTS_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);

export function wanted(file: string): boolean {
  return !only || only.some((o) => file.startsWith(o));
}

export function pick<T extends { file: string }>(xs: T[]): T[] {
  return xs.filter((s) => wanted(s.file));
}

/** `<file>-light.png` and `<file>-dark.png` of the page as it is now (the state must hold still). */
export async function captureBothThemes(page: Page, file: string): Promise<void> {
  if (!wanted(file)) return;
  fs.mkdirSync(shotDir, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.screenshot({ path: path.join(shotDir, `${file}-${theme}.png`), animations: 'disabled', caret: 'hide' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
