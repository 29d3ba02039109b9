import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntakeService } from '../../src/main/app/service';
import { headlessPlatform } from '../../src/main/app/platform';
import { runCli } from '../support/cli';
import { Workspace, letter } from '../support/workspace';

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

let ws: Workspace;
let savedUmask: number;
beforeEach(() => {
  ws = new Workspace('intake-perm-');
  // The usual desktop umask: without care, folders come out 0755 and files 0644.
  savedUmask = process.umask(0o022);
});
afterEach(async () => {
  process.umask(savedUmask);
  await ws.close();
});

describe('the library is private to its user, whoever creates it', () => {
  it('the CLI creates the data folder and the library folder 0700, the library and its -wal/-shm 0600', async () => {
    ws.write('note.txt', letter('A note'));
    const dataDir = join(ws.root, 'fresh-data', 'Intake');
    const db = join(ws.root, 'fresh-lib', 'nested', 'intake.db');
    const r = await runCli(['ingest', ws.docs, '--db', db, '--no-ocr', '--json'], { INTAKE_DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(mode(join(ws.root, 'fresh-lib'))).toBe('700');
    expect(mode(join(ws.root, 'fresh-lib', 'nested'))).toBe('700');
    expect(mode(db)).toBe('600');
    if (existsSync(dataDir)) expect(mode(dataDir)).toBe('700');
    // WAL files exist while a connection holds the library open.
    const Database = (await import('better-sqlite3')).default;
    const conn = new Database(db);
    conn.pragma('journal_mode = WAL');
    conn.prepare('SELECT count(*) FROM documents').get();
    expect(mode(`${db}-wal`)).toBe('600');
    expect(mode(`${db}-shm`)).toBe('600');
    conn.close();
  });

  it('the service (app, browser mode) does the same for its data folder, library, caches and inbox', async () => {
    const dataDir = join(ws.root, 'svc-data');
    const dbPath = join(dataDir, 'lib', 'intake.db');
    const service = await createIntakeService({ dbPath, dataDir, platform: headlessPlatform(dataDir), allowedRoots: [ws.root] });
    try {
      expect(mode(dataDir)).toBe('700');
      expect(mode(join(dataDir, 'lib'))).toBe('700');
      expect(mode(dbPath)).toBe('600');
      expect(mode(`${dbPath}-wal`)).toBe('600');
      expect(mode(`${dbPath}-shm`)).toBe('600');
      const env = await service.handlers['ingest.inbox']({ files: [{ relativePath: 'sub/a.txt', dataBase64: Buffer.from('hello').toString('base64') }] } as never);
      const folder = (env as { folder: string }).folder;
      expect(mode(join(dataDir, 'lib', 'inbox'))).toBe('700'); // beside the library
      expect(mode(folder)).toBe('700');
      expect(mode(join(folder, 'sub'))).toBe('700');
      expect(mode(join(folder, 'sub', 'a.txt'))).toBe('600');
    } finally {
      await service.close();
    }
  });
});
