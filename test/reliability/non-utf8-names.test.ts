// File names that are not valid UTF-8 (Latin-1 names from old zips and SMB shares): scanned,
// hashed, extracted and stored under a readable name, their bytes kept so a failed one can be
// reprocessed; never recorded as vanished under a path with U+FFFD, never confused with a sibling.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailedFile } from '../../src/shared/domain';
import { cli, goodLetter, withDb } from './support';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-names-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A path whose last parts are Latin-1 bytes, as an old zip or an SMB share leaves them. */
const latin1 = (dir: string, ...parts: string[]): Buffer => Buffer.concat([Buffer.from(dir), ...parts.map((p) => Buffer.from(`/${p}`, 'latin1'))]);

/** Every name under a folder, as bytes (hex), to show the user's files were left as they were. */
function rawTree(dir: Buffer): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
    const p = Buffer.concat([dir, Buffer.from('/'), d.name]);
    out.push(p.toString('hex'));
    if (d.isDirectory()) out.push(...rawTree(p));
  }
  return out.sort();
}

describe('file names that are not valid UTF-8', () => {
  it('are ingested under a readable name, kept apart from a UTF-8 twin, and a failed one is reprocessed by its bytes', async () => {
    const docs = join(root, 'docs');
    mkdirSync(docs);
    mkdirSync(latin1(docs, 'Entw\xfcrfe'));
    const big = 'Curriculum vitae of Jos\u00e9 Garc\u00eda\n\n' + 'Worked as an engineer at the Example Company for ten years, building bridges.\n'.repeat(4000);
    writeFileSync(latin1(docs, 'caf\xe9.txt'), goodLetter(1)); // Latin-1 "café.txt"
    writeFileSync(join(docs, 'café.txt'), goodLetter(2)); // its UTF-8 twin, other content
    writeFileSync(latin1(docs, 'r\xe9sum\xe9.txt'), big); // over 256 KiB: read by the extraction process
    writeFileSync(latin1(docs, 'Entw\xfcrfe', 'Brief.txt'), goodLetter(3));
    writeFileSync(latin1(docs, 'leer-\xe9.txt'), ''); // empty: fails, to be reprocessed
    const before = rawTree(Buffer.from(docs));
    const db = join(root, 'intake.db');

    let r = await cli(['ingest', docs, '--db', db, '--no-ocr', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ingested: 4, failed: 1 });

    const documents = () =>
      withDb(db, (d) => d.prepare('SELECT file_path AS path, filename, content FROM documents ORDER BY file_path').all() as { path: string; filename: string; content: string }[]);
    let docsNow = documents();
    const byPath = new Map(docsNow.map((d) => [d.path, d]));
    // Readable names: Windows-1252 for the Latin-1 bytes; the one whose reading is taken by its UTF-8 twin is spelt out.
    expect([...byPath.keys()].sort()).toEqual([join(docs, 'Entwürfe', 'Brief.txt'), join(docs, 'caf\\xE9.txt'), join(docs, 'café.txt'), join(docs, 'résumé.txt')].sort());
    expect(docsNow.every((d) => !d.path.includes('\ufffd'))).toBe(true);
    // Each file's own text under its own name: nothing confused between the twins.
    expect(byPath.get(join(docs, 'café.txt'))!.content).toContain('customer number 2,');
    expect(byPath.get(join(docs, 'caf\\xE9.txt'))!.content).toContain('customer number 1,');
    expect(byPath.get(join(docs, 'Entwürfe', 'Brief.txt'))!.content).toContain('customer number 3,');
    expect(byPath.get(join(docs, 'résumé.txt'))).toMatchObject({ filename: 'résumé.txt' });
    expect(byPath.get(join(docs, 'résumé.txt'))!.content).toContain('building bridges');

    // The empty one is blamed for what it is (empty), not "vanished", under its readable path.
    const failedRows = async (): Promise<FailedFile[]> => {
      const f = await cli(['failed', 'list', '--db', db, '--json']);
      expect(f.code, f.stderr).toBe(0);
      return JSON.parse(f.stdout) as FailedFile[];
    };
    let rows = await failedRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ filePath: join(docs, 'leer-é.txt'), filename: 'leer-é.txt', errorCode: 'file_empty' });

    // The bytes are kept under the readable path.
    const raws = withDb(db, (d) => d.prepare('SELECT path, raw_hex FROM raw_paths').all() as { path: string; raw_hex: string }[]);
    const rawOf = new Map(raws.map((x) => [x.path, Buffer.from(x.raw_hex, 'hex')]));
    expect(rawOf.get(join(docs, 'leer-é.txt'))).toEqual(latin1(docs, 'leer-\xe9.txt'));
    expect(rawOf.get(join(docs, 'caf\\xE9.txt'))).toEqual(latin1(docs, 'caf\xe9.txt'));
    expect(rawOf.has(join(docs, 'café.txt'))).toBe(false);

    // A rerun knows every file: nothing new, nothing failed again.
    r = await cli(['ingest', docs, '--db', db, '--no-ocr', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ingested: 0, failed: 0, skippedExisting: 4, skippedFailed: 1 });

    // The empty file gets its text; reprocessing its row opens it by its bytes.
    writeFileSync(latin1(docs, 'leer-\xe9.txt'), goodLetter(4));
    r = await cli(['failed', 'reprocess', '--all', '--db', db, '--no-ocr', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ succeeded: 1, skipped: 0, failedSame: 0, failedDifferent: 0 });
    rows = await failedRows();
    expect(rows).toEqual([]);
    docsNow = documents();
    expect(docsNow).toHaveLength(5);
    expect(docsNow.find((d) => d.path === join(docs, 'leer-é.txt'))!.content).toContain('customer number 4,');

    // The user's files: the same names, byte for byte.
    expect(rawTree(Buffer.from(docs))).toEqual(before);
  }, 240_000);
});
