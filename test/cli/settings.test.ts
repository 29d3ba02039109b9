/**
 * A CLI run on the app's library uses the library's saved Settings (flags change them for that
 * run only), so the Failed-files screen does not call its failures "eligible for retry".
 */
import { mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntakeService } from '../../src/main/app/service';
import { SettingsStore } from '../../src/main/app/settings';
import { Library } from '../../src/main/engine/library';
import { headlessPlatform } from '../../src/main/app/platform';
import { keyFileSecretBox } from '../../src/main/app/secrets';
import { runCli } from '../support/cli';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace('intake-cli-settings-');
});
afterEach(async () => {
  await ws.close();
});

/** Saves Settings as the Settings screen does, through the app's own store. */
function saveSettings(patch: Parameters<SettingsStore['update']>[0]): void {
  mkdirSync(ws.dataDir, { recursive: true });
  const lib = Library.open(ws.dbPath);
  try {
    new SettingsStore(lib.db, ws.dataDir, keyFileSecretBox(ws.dataDir)).update(patch);
  } finally {
    lib.close();
  }
}

function fingerprints(): Record<string, unknown>[] {
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT fingerprint FROM failed_files').all() as { fingerprint: string }[]).map((r) => JSON.parse(r.fingerprint));
  } finally {
    db.close();
  }
}

describe('intake ingest and the saved Settings', () => {
  it('a run records the saved OCR languages, page cap and OCR switch; the Failed-files screen finds nothing changed', async () => {
    saveSettings({ ocr: false, ocrLanguages: ['eng', 'fra'], ocrPageCap: 7 });
    ws.write('noise.txt', Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)));
    ws.write('good.txt', letter('Council tax'));

    const r = await runCli(['ingest', ws.docs, '--db', ws.dbPath], { INTAKE_DATA_DIR: ws.dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Used: +local AI \(built in\) · OCR off\n/);

    const [fp] = fingerprints();
    expect(fp).toMatchObject({ ocr: false, ocrLanguages: ['eng', 'fra'], pageCap: 7 });

    // What the Failed-files screen asks for: no failure is "eligible for retry (OCR turned on)".
    const service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform: headlessPlatform(ws.dataDir), allowedRoots: [ws.root], watch: { enabled: false } });
    try {
      const page = await service.handlers['failed.list']({ offset: 0, limit: 100, sort: 'failed_at', dir: 'desc', filter: {} });
      expect(page.total).toBe(1);
      expect(page.rows[0].eligibleForRetry).toBeNull();
    } finally {
      await service.close();
    }
  });

  it('flags change the saved Settings for that run only, and the summary says what was used', async () => {
    saveSettings({ ocrLanguages: ['eng', 'fra'], ocrPageCap: 7 });
    ws.write('noise.txt', Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)));

    const r = await runCli(['ingest', ws.docs, '--db', ws.dbPath, '--ocr-languages', 'eng', '--ocr-page-cap', '9'], { INTAKE_DATA_DIR: ws.dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Used: +local AI \(built in\) · OCR eng, up to 9 pages\n/);
    expect(fingerprints()[0]).toMatchObject({ ocr: true, ocrLanguages: ['eng'], pageCap: 9 });

    // Saved Settings are untouched; a language that is not installed is refused before any work.
    const refused = await runCli(['ingest', ws.docs, '--db', ws.dbPath, '--ocr-languages', 'eng+xyz'], { INTAKE_DATA_DIR: ws.dataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^intake: OCR language xyz is not installed/);
    const lib = Library.open(ws.dbPath);
    try {
      expect(new SettingsStore(lib.db, ws.dataDir, keyFileSecretBox(ws.dataDir)).get()).toMatchObject({ ocrLanguages: ['eng', 'fra'], ocrPageCap: 7 });
    } finally {
      lib.close();
    }
  });
});
