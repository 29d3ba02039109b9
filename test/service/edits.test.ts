/**
 * Issue 10 items 8–10 (and issue 11 item 4): the Database editor and Settings refuse what would
 * break the library, through the real service.
 */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callThrough } from '../support/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import type { IntakeService, Platform } from '../../src/main/app/service-api';
import type { Settings, TableInfo } from '../../src/shared/domain';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
let service: IntakeService;
const platform: Platform = {
  mode: 'browser',
  chooseFolder: async () => null,
  showInFolder: async () => undefined,
  openExternal: async () => undefined,
  secrets: { description: 'test', encrypt: (s) => Buffer.from(s), decrypt: (b) => Buffer.from(b).toString() },
};
const open = () => createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform, allowedRoots: [ws.root] });

beforeEach(async () => {
  ws = new Workspace('intake-edits-');
  service = await open();
});
afterEach(async () => {
  await service.close();
  await ws.close();
});

function call<T = unknown>(channel: string, input: unknown): Promise<T> {
  return callThrough<T>(service.handlers, channel, input);
}

async function ingestOne(): Promise<void> {
  ws.write('a.txt', letter('Insurance renewal'));
  ws.write('short.txt', 'hi');
  const done = new Promise<void>((r) => {
    const off = service.on('run.finished', () => {
      off();
      r();
    });
  });
  await call('ingest.start', { paths: [ws.docs], ocr: false });
  await done;
}

describe('the Database editor checks every edit against what the column means', () => {
  it('refuses bad JSON, wrong JSON shapes, words outside the CHECK, NULL in NOT NULL columns and engine-owned columns; moves updated_at', async () => {
    await ingestOne();
    const { rows } = await call<{ rows: { __rowid: number; updated_at: number }[] }>('db.rows', { table: 'documents' });
    const id = rows[0].__rowid;
    const refuse = async (values: Record<string, unknown>, code: string, words: RegExp) => {
      const err = await call('db.update', { table: 'documents', id, values }).catch((e: { code: string; message: string }) => e);
      expect(err).toMatchObject({ code });
      expect((err as Error).message).toMatch(words);
    };
    await refuse({ tags: 'not json' }, 'invalid_value', /^tags: Must be a JSON list/);
    await refuse({ tags: '{"a":1}' }, 'invalid_value', /^tags: Must be a JSON list/);
    await refuse({ tags: '[1, 2]' }, 'invalid_value', /^tags:/);
    await refuse({ content_source: 'scan' }, 'invalid_value', /^content_source: Must be one of: text, pdf, ocr/);
    await refuse({ doc_date: 'yesterday' }, 'invalid_value', /^doc_date: Must be a date/);
    await refuse({ title: null }, 'invalid_value', /^title: needs a value/);
    await refuse({ file_hash: 'abc' }, 'read_only_column', /file_hash: set by Intake/);
    await refuse({ created_at: 1 }, 'read_only_column', /created_at/);
    await refuse({ updated_at: 1 }, 'read_only_column', /updated_at/);

    const lib = new Database(ws.dbPath);
    lib.prepare('UPDATE documents SET updated_at = 1000 WHERE rowid = ?').run(id);
    lib.close();
    await call('db.update', { table: 'documents', id, values: { tags: '["checked"]', doc_date: '2024-03-15' } });
    const after = (await call<{ rows: { __rowid: number; tags: string; updated_at: number }[] }>('db.rows', { table: 'documents' })).rows.find((r) => r.__rowid === id)!;
    expect(after.tags).toBe('["checked"]');
    expect(after.updated_at).toBeGreaterThan(1_700_000_000);
    const doc = await call<{ tags: string[] }>('documents.get', { id });
    expect(doc.tags).toEqual(['checked']);

    const tables = await call<TableInfo[]>('db.tables', {});
    const docs = tables.find((t) => t.name === 'documents')!;
    expect(docs.columns.find((c) => c.name === 'title')).toMatchObject({ nullable: false, editable: true });
    expect(docs.columns.find((c) => c.name === 'content_source')).toMatchObject({ kind: 'enum', options: ['text', 'pdf', 'ocr'] });
    expect(docs.columns.find((c) => c.name === 'file_hash')).toMatchObject({ editable: false });
    // A failed row's code and stage are words from the engine's lists.
    const failed = (await call<{ rows: { __rowid: number }[] }>('db.rows', { table: 'failed_files' })).rows[0];
    await expect(call('db.update', { table: 'failed_files', id: failed.__rowid, values: { stage: 'nowhere' } })).rejects.toMatchObject({ code: 'invalid_value' });
    await expect(call('db.update', { table: 'failed_files', id: failed.__rowid, values: { fingerprint: '[]' } })).rejects.toMatchObject({ code: 'invalid_value' });
  });

  it('the settings row is changed only through Settings; a hand-edited row loads with defaults for the bad fields and says so', async () => {
    await call('settings.set', { concurrency: 3 });
    const { rows } = await call<{ rows: { __rowid: number }[] }>('db.rows', { table: 'settings' });
    await expect(call('db.update', { table: 'settings', id: rows[0].__rowid, values: { value: '{"ai":{"provider":"bogus"}}' } })).rejects.toMatchObject({ code: 'read_only_table' });
    await expect(call('db.insert', { table: 'settings', values: { key: 'x', value: 'y' } })).rejects.toMatchObject({ code: 'read_only_table' });
    await expect(call('db.delete', { table: 'settings', id: rows[0].__rowid })).rejects.toMatchObject({ code: 'read_only_table' });

    // Edited by hand around the app (sqlite3):
    await service.close();
    const lib = new Database(ws.dbPath);
    lib
      .prepare("UPDATE settings SET value = ? WHERE key = 'app'")
      .run(JSON.stringify({ ai: { provider: 'bogus', baseUrl: 'file:///etc/passwd', chatModel: 'm' }, concurrency: 100000, ocrTimeoutMs: -1, ocr: false }));
    lib.close();
    service = await open();
    const s = await call<Settings>('settings.get', {});
    expect(s.ai.provider).toBe('local');
    expect(s.ai.baseUrl).toBe('https://api.openai.com/v1');
    expect(s.ai.chatModel).toBe('m');
    expect(s.concurrency).toBeLessThanOrEqual(32);
    expect(s.ocrTimeoutMs).toBe(120_000);
    expect(s.ocr).toBe(false);
    expect(s.invalidStored?.sort()).toEqual(['ai.baseUrl', 'ai.provider', 'concurrency', 'ocrTimeoutMs']);
    // The Failed files screen still works (it used to fail with "internal: Unknown AI provider").
    await expect(call('failed.list', {})).resolves.toMatchObject({ total: 0 });
    // Saving through Settings writes a valid row again.
    expect((await call<Settings>('settings.set', { concurrency: 4 })).invalidStored).toBeUndefined();
  });
});

describe('Settings refuses what it cannot use', () => {
  it('offers the installed OCR languages and refuses others at Save', async () => {
    const langs = await call<{ code: string }[]>('settings.languages', {});
    expect(langs.map((l) => l.code)).toContain('eng');
    await expect(call('settings.set', { ocrLanguages: ['klingon'] })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(call('settings.set', { ocrLanguages: ['eng', 'deu'] })).rejects.toThrow(/"deu" is not installed/);
    expect((await call<Settings>('settings.get', {})).ocrLanguages).toEqual(['eng']);
  });

  it('adds a .traineddata file, which then can be chosen; refuses a file that is not one', async () => {
    const fake = join(ws.root, 'notes.traineddata');
    writeFileSync(fake, 'hello');
    await expect(call('settings.addLanguage', { path: fake })).rejects.toMatchObject({ code: 'invalid_input' });
    // A real tesseract language file, under another code: the English data as "xyz".
    const source = ['/usr/share/tesseract-ocr/5/tessdata/eng.traineddata', '/usr/share/tesseract-ocr/4.00/tessdata/eng.traineddata'].find(existsSync)!;
    expect(source).toBeTruthy();
    const copy = join(ws.root, 'xyz.traineddata');
    copyFileSync(source, copy);
    const after = await call<{ code: string; source: string }[]>('settings.addLanguage', { path: copy });
    expect(after).toContainEqual({ code: 'xyz', source: 'file' });
    expect((await call<Settings>('settings.set', { ocrLanguages: ['xyz'] })).ocrLanguages).toEqual(['xyz']);
  });
});
