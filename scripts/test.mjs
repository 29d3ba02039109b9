#!/usr/bin/env node
// `npm test`: every vitest suite, then the renderer build and the Playwright end-to-end tests
// (browser mode in Debian's Chromium; the Electron project where the runtime is installed).
// Prints each runner's summary and one closing line with the totals; exits non-zero on failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-runtime.mjs';
import { rebuildForElectron } from './rebuild-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, '.intake-test');
fs.mkdirSync(reports, { recursive: true });
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
const run = (label, args, env = {}) => {
  console.log(`\n── ${label} ──`);
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return { ok: result.status === 0, seconds: (Date.now() - started) / 1000 };
};
const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

// 0. Type-check and lint first: a suite that passes on code that does not compile proves little.
const typecheck = run('tsc --noEmit', [bin('typescript', path.join('bin', 'tsc')), '--noEmit', '-p', 'tsconfig.json']);
if (!typecheck.ok) problems.push('type-check failed');
const lint = run('eslint', [bin('eslint', path.join('bin', 'eslint.js')), '.']);
if (!lint.ok) problems.push('lint failed');

// 1. Unit and integration tests.
const vitestReport = path.join(reports, 'vitest-report.json');
fs.rmSync(vitestReport, { force: true });
const unit = run('vitest', [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
const vitest = readJson(vitestReport);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
}
if (!unit.ok) problems.push('vitest failed');
// No hidden shrinkage: a skipped or todo unit test fails the run.
if (vitest && vitest.numPendingTests + vitest.numTodoTests > 0) problems.push(`${vitest.numPendingTests + vitest.numTodoTests} vitest test(s) skipped: no test may be skipped`);

// 2. Build what the end-to-end tests load.
const build = run('electron-vite build', [bin('electron-vite', path.join('bin', 'electron-vite.js')), 'build']);
if (!build.ok) problems.push('the build failed');

// 3. End-to-end tests.
if (build.ok) {
  const chromium = findChromium();
  const electron = electronBinary();
  if (!electron) console.log('\nElectron runtime not installed — the electron e2e project is skipped (browser mode runs in Chromium).');
  else {
    try {
      rebuildForElectron();
    } catch (err) {
      problems.push(`better-sqlite3 could not be built for Electron: ${err instanceof Error ? err.message : err}`);
    }
  }
  if (!chromium) {
    problems.push('Chromium is missing: install it (apt-get install chromium) or set CHROMIUM_PATH');
  } else {
    const e2eReport = path.join(reports, 'e2e-report.json');
    fs.rmSync(e2eReport, { force: true });
    const e2e = run('playwright', [bin('@playwright/test', 'cli.js'), 'test'], { CHROMIUM_PATH: chromium });
    const stats = readJson(e2eReport)?.stats;
    if (stats) {
      totals.passed += stats.expected + stats.flaky;
      totals.failed += stats.unexpected;
      totals.skipped += stats.skipped;
      console.log(`e2e: ${stats.expected} passed, ${stats.unexpected} failed, ${stats.skipped} skipped in ${(stats.duration / 1000).toFixed(1)} s`);
      // The Electron specs may skip where the runtime is not installed; any other skip fails the run.
      const hidden = skippedOutside(readJson(e2eReport), 'electron');
      if (hidden.length > 0) problems.push(`skipped e2e test(s) outside the Electron project: ${hidden.join('; ')}`);
    } else {
      problems.push('playwright wrote no report');
    }
    if (!e2e.ok) problems.push('playwright failed');
  }
}

console.log('');
for (const p of problems) console.log(`✗ ${p}`);
console.log(`total: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(problems.length === 0 && totals.failed === 0 ? 0 : 1);

/** Titles of skipped tests in a Playwright JSON report, except those of `allowedProject`. */
function skippedOutside(report, allowedProject) {
  const out = [];
  const visit = (suite, trail) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.projectName !== allowedProject && (t.status === 'skipped' || t.expectedStatus === 'skipped')) out.push([...trail, spec.title].join(' › '));
      }
    }
    for (const child of suite.suites ?? []) visit(child, [...trail, child.title]);
  };
  for (const suite of report?.suites ?? []) visit(suite, [suite.title]);
  return out;
}

/** CHROMIUM_PATH, Debian's /usr/bin/chromium, or — as root — install Debian's package. */
function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(c));
  if (found) return found;
  if (process.getuid?.() !== 0) {
    console.log('Chromium not found and not running as root: install it with `sudo apt-get install chromium` or set CHROMIUM_PATH.');
    return null;
  }
  console.log("Installing Debian's chromium for the end-to-end tests (apt-get install chromium)…");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env }) : update;
  if (install.status !== 0 || !fs.existsSync('/usr/bin/chromium')) {
    console.log('Could not install chromium with apt-get; install it by hand or set CHROMIUM_PATH.');
    return null;
  }
  return '/usr/bin/chromium';
}
