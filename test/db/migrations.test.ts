import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/connection';
import { MIGRATIONS } from '../../src/main/db/migrations';
import { Engine } from '../../src/main/engine/engine';
import { Library } from '../../src/main/engine/library';
import { runCli } from '../support/cli';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'intake-mig-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** A library exactly as migration 1 left it, with a row in every table a user cares about. */
function libraryAtMigration1(file: string): void {
  const db = new Database(file);
  db.exec(MIGRATIONS[0]);
  db.pragma('user_version = 1');
  db.prepare(`INSERT INTO runs (id, started_at, finished_at, status, roots, options, counts) VALUES (1, 1700000000, 1700000100, 'completed', '["/docs"]', '{}', '{"ingested":1,"failed":1}')`).run();
  db.prepare(
    `INSERT INTO documents (id, file_hash, file_path, filename, size, mime_type, content, content_source, title, doc_type, correspondent, doc_date, tags, language, summary, ai_provider, ai_model, created_at, updated_at)
     VALUES (1, 'h-doc', '/docs/invoice.txt', 'invoice.txt', 120, 'text/plain', 'Invoice for toner cartridges, due on 12 March', 'text', 'Toner invoice', 'invoice', 'Acme', '2024-03-01', '["office"]', 'en', 'An invoice', 'local', 'rules-v1', 1700000050, 1700000050)`,
  ).run();
  db.prepare(`INSERT INTO document_paths (document_id, file_path, seen_at) VALUES (1, '/docs/invoice.txt', 1700000050)`).run();
  db.prepare(`INSERT INTO chunks (document_id, chunk_index, text, embedding, embedding_model) VALUES (1, 0, 'Invoice for toner cartridges', ?, 'hash-v1')`).run(Buffer.from(new Float32Array([0.5, 0.25, 0.125]).buffer));
  db.prepare(
    `INSERT INTO failed_files (file_path, filename, file_hash, stage, reason, error_type, error_message, failed_at, attempts, first_failed_at, run_id, failure_class, error_code, stack, fingerprint)
     VALUES ('/docs/scan.png', 'scan.png', 'h-fail', 'extract_text', 'insufficient text; OCR disabled', 'IntakeError', 'no text layer', 1700000060, 2, 1700000010, 1, 'content', 'text_insufficient', 'stack…', '{"ocr":false}')`,
  ).run();
  db.prepare(`INSERT INTO failure_events (file_hash, file_path, kind, stage, error_code, message, at, run_id) VALUES ('h-fail', '/docs/scan.png', 'failure', 'extract_text', 'text_insufficient', 'no text layer', 1700000060, 1)`).run();
  db.prepare(`INSERT INTO file_index (path, size, mtime_ms, hash, indexed_at) VALUES ('/docs/invoice.txt', 120, 1700000000000.5, 'h-doc', 1700000050)`).run();
  db.prepare(`INSERT INTO settings (key, value) VALUES ('app', '{"ocr":false}')`).run();
  db.close();
}

describe('library migrations', () => {
  it('a library made by migration 1, with real rows, is upgraded to the latest with nothing lost', async () => {
    const file = join(dir, 'old.db');
    libraryAtMigration1(file);
    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT id, file_hash, title, content, correspondent, tags FROM documents').all()).toEqual([
        { id: 1, file_hash: 'h-doc', title: 'Toner invoice', content: 'Invoice for toner cartridges, due on 12 March', correspondent: 'Acme', tags: '["office"]' },
      ]);
      expect(db.prepare('SELECT file_path FROM document_paths').all()).toEqual([{ file_path: '/docs/invoice.txt' }]);
      const chunk = db.prepare<[], { text: string; embedding: Buffer }>('SELECT text, embedding FROM chunks').get()!;
      expect(chunk.text).toBe('Invoice for toner cartridges');
      expect([...new Float32Array(chunk.embedding.buffer.slice(chunk.embedding.byteOffset, chunk.embedding.byteOffset + chunk.embedding.byteLength))]).toEqual([0.5, 0.25, 0.125]);
      expect(db.prepare('SELECT file_hash, stage, reason, attempts, first_failed_at, error_code, fingerprint FROM failed_files').all()).toEqual([
        { file_hash: 'h-fail', stage: 'extract_text', reason: 'insufficient text; OCR disabled', attempts: 2, first_failed_at: 1700000010, error_code: 'text_insufficient', fingerprint: '{"ocr":false}' },
      ]);
      expect(db.prepare('SELECT kind, message FROM failure_events').all()).toEqual([{ kind: 'failure', message: 'no text layer' }]);
      expect(db.prepare('SELECT hash FROM file_index').all()).toEqual([{ hash: 'h-doc' }]);
      expect(db.prepare("SELECT value FROM settings WHERE key = 'app'").get()).toEqual({ value: '{"ocr":false}' });
      expect(db.prepare('SELECT status FROM runs').all()).toEqual([{ status: 'completed' }]);
      // Keyword search still finds the old document (its FTS rows survived).
      expect(db.prepare("SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'toner'").all()).toEqual([{ rowid: 1 }]);
    } finally {
      db.close();
    }
    // And the engine works on it: the failed row is listed.
    const library = Library.open(file);
    const engine = new Engine({ library, dataDir: join(dir, 'data') });
    expect(library.failed.count()).toBe(1);
    await engine.close();
    library.close();
  });

  it('a command that only looks (intake failed list) at a library from an older Intake upgrades it first and answers', async () => {
    const file = join(dir, 'old-look.db');
    libraryAtMigration1(file);
    const r = await runCli(['failed', 'list', '--db', file, '--json'], { INTAKE_DATA_DIR: join(dir, 'data') });
    expect(r.stderr).not.toMatch(/no such table/);
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.stdout) as unknown;
    expect(JSON.stringify(listed)).toContain('/docs/scan.png');
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('a library from a newer Intake is refused with a clear message and left untouched (byte for byte)', async () => {
    const file = join(dir, 'newer.db');
    const db = new Database(file);
    db.exec('CREATE TABLE documents (id INTEGER PRIMARY KEY, future_column TEXT)');
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    db.close();
    const before = sha(file);
    expect(() => openDatabase(file)).toThrow(/newer version of Intake.*left untouched/);
    expect(sha(file)).toBe(before);
    const r = await runCli(['failed', 'list', '--db', file], { INTAKE_DATA_DIR: join(dir, 'data') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/newer|version/);
    const ingest = await runCli(['ingest', dir, '--db', file, '--no-ocr'], { INTAKE_DATA_DIR: join(dir, 'data') });
    expect(ingest.code).toBe(1);
    expect(ingest.stderr).toMatch(/newer version of Intake/);
    expect(sha(file)).toBe(before);
  });

  it('a SQLite file of another program, and a file that is not SQLite, are refused and left untouched', () => {
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')");
    db.close();
    const notSqlite = join(dir, 'notes.txt');
    writeFileSync(notSqlite, 'just some text, not a database at all '.repeat(200));
    for (const file of [other, notSqlite]) {
      const before = sha(file);
      expect(() => openDatabase(file), file).toThrow(/another program|not an Intake library|not a database/);
      expect(sha(file), file).toBe(before);
    }
  });
});
