// A folder the user may not list is one clear failed row (which folder, why, what to do), and the
// row goes once the folder can be read: by the next run over it, or by `failed reprocess` on the row.
// As root the CLI runs as "nobody", for whom a 0000 folder really is closed.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailedFile } from '../../src/shared/domain';
import { cli, goodLetter, withDb } from './support';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-folderrows-'));
  chmodSync(root, 0o755);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const asRoot = process.getuid?.() === 0;
const user = asRoot ? { uid: 65534, gid: 65534 } : {};

function owned(p: string): string {
  if (asRoot) chownSync(p, 65534, 65534);
  return p;
}

describe('a folder that cannot be read', () => {
  it('is one row saying which folder, why and what to do; the next run that can read it clears the row; reprocess on the row clears it too', async () => {
    const folder = (p: string) => {
      mkdirSync(p);
      return owned(p);
    };
    const docs = folder(join(root, 'docs'));
    const open = folder(join(docs, 'open'));
    const locked = folder(join(docs, 'locked'));
    const file = (p: string, text: string) => {
      writeFileSync(p, text);
      owned(p);
    };
    file(join(open, 'a.txt'), goodLetter(1));
    file(join(locked, 'b.txt'), goodLetter(2));
    const lib = folder(join(root, 'lib'));
    const db = join(lib, 'intake.db');
    const env = { INTAKE_DATA_DIR: lib, HOME: lib };
    const failedRows = async (): Promise<FailedFile[]> => {
      const r = await cli(['failed', 'list', '--db', db, '--json'], { ...user, env });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as FailedFile[];
    };
    const documents = () => withDb(db, (d) => (d.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n);

    chmodSync(locked, 0o000);
    let r = await cli(['ingest', docs, '--db', db, '--no-ocr', '--json'], { ...user, env });
    expect(r.code, r.stderr).toBe(0);
    let rows = await failedRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ filePath: locked, stage: 'hash', errorCode: 'file_unreadable', failureClass: 'input' });
    expect(rows[0].reason).toBe('folder could not be read: permission denied');
    expect(rows[0].errorMessage).toContain(`The folder ${locked} could not be listed`);
    expect(rows[0].errorMessage).toMatch(/chmod u\+rx/);
    expect(rows[0].errorMessage).not.toMatch(/(E[A-Z]+): \1:/);

    // Readable again: the next run ingests its file and the row goes.
    chmodSync(locked, 0o755);
    r = await cli(['ingest', docs, '--db', db, '--no-ocr', '--json'], { ...user, env });
    expect(r.code, r.stderr).toBe(0);
    expect(documents()).toBe(2);
    expect(await failedRows()).toEqual([]);

    // Closed again, a new file inside; then opened, and the row reprocessed on its own.
    file(join(locked, 'c.txt'), goodLetter(3));
    chmodSync(locked, 0o000);
    r = await cli(['ingest', docs, '--db', db, '--no-ocr', '--json'], { ...user, env });
    expect(r.code, r.stderr).toBe(0);
    rows = await failedRows();
    expect(rows.map((x) => x.filePath)).toEqual([locked]);
    chmodSync(locked, 0o755);
    r = await cli(['failed', 'reprocess', '--all', '--db', db, '--no-ocr', '--json'], { ...user, env });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { succeeded: number; skipped: number };
    expect(report).toMatchObject({ succeeded: 1, skipped: 0 });
    expect(await failedRows()).toEqual([]);
    expect(documents()).toBe(3);
  }, 300_000);
});
