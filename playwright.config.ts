import fs from 'node:fs';
import { defineConfig } from '@playwright/test';

/** Debian's Chromium (CI installs it); CHROMIUM_PATH points elsewhere. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const launchOptions = {
  executablePath: fs.existsSync(chromiumPath) ? chromiumPath : undefined,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
};

export default defineConfig({
  testDir: 'e2e',
  // The screenshots are README pictures, not a test: `npm run screenshots` writes them.
  testIgnore: process.env.UPDATE_SCREENSHOTS ? [] : ['**/screenshots.spec.ts'],
  outputDir: 'test-results',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) : 2,
  // A stray test.only must never shrink the run, on CI or not.
  forbidOnly: true,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.intake-test/e2e-report.json' }]],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    actionTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions,
  },
  projects: [
    { name: 'browser', testDir: 'e2e/browser', use: { browserName: 'chromium' } },
    // Launches the built app with _electron; the browser is only used to draw fixture images.
    { name: 'electron', testDir: 'e2e/electron', use: { browserName: 'chromium' } },
  ],
});
