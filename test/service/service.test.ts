import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events } from '../../src/shared/contract';
import { callThrough } from '../support/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import type { IntakeService, Platform } from '../../src/main/app/service-api';
import { makeTextPng } from '../support/fixtures';
import { INVOICE, Workspace, letter } from '../support/workspace';

let ws: Workspace;
let service: IntakeService;

/** Reversible "encryption" that proves the key file never holds the plain key. */
const platform: Platform = {
  mode: 'browser',
  chooseFolder: async () => null,
  showInFolder: async () => undefined,
  openExternal: async () => undefined,
  secrets: {
    description: 'test box',
    encrypt: (s) => Buffer.from(s, 'utf8').reverse(),
    decrypt: (b) => Buffer.from(b).reverse().toString('utf8'),
  },
};

beforeEach(async () => {
  ws = new Workspace('intake-svc-');
  service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform, allowedRoots: [ws.root] });
});
afterEach(async () => {
  await service.close();
  await ws.close();
});

function call<T = unknown>(channel: string, input: unknown): Promise<T> {
  return callThrough<T>(service.handlers, channel, input);
}

function nextEvent<E extends keyof Events>(event: E): Promise<Events[E]> {
  return new Promise((resolve) => {
    const off = service.on(event, (p) => {
      off();
      resolve(p);
    });
  });
}

describe('the service behind the app', () => {
  it('a user ingests a folder, watches progress, searches by keyword and meaning, and inspects failures', async () => {
    ws.write('invoice.txt', INVOICE);
    ws.write('garden.txt', letter('Garden maintenance', 'The hedge, the lawn and the apple trees in the garden will be trimmed in spring.'));
    ws.write('bad.txt', Buffer.alloc(500, 0));
    ws.write('short.txt', 'hi');

    const pre = await call<{ new: number; unsupported: number }>('ingest.preflight', { paths: [ws.docs] });
    expect(pre).toMatchObject({ new: 4, unsupported: 0 });

    const progress: Events['run.progress'][] = [];
    const off = service.on('run.progress', (p) => progress.push(p));
    const finished = nextEvent('run.finished');
    // The badge follows failures as they happen: the last change of the run says 2.
    const changed = new Promise<Events['failed.changed']>((resolve) => {
      const offChanged = service.on('failed.changed', (p) => {
        if (p.count === 2) {
          offChanged();
          resolve(p);
        }
      });
    });
    const { runId } = await call<{ runId: number }>('ingest.start', { paths: [ws.docs], ocr: false });
    const summary = await finished;
    off();
    expect(summary).toMatchObject({ runId, status: 'completed', ingested: 2, failed: 2 });
    expect((await changed).count).toBe(2);
    expect(progress.at(-1)).toMatchObject({ runId, done: 4, total: 4 });

    const keyword = await call<{ rows: { filename: string; snippet: string; highlights: { start: number; end: number }[] }[] }>('documents.list', { q: 'toner', mode: 'keyword' });
    expect(keyword.rows.map((r) => r.filename)).toEqual(['invoice.txt']);
    const [hit] = keyword.rows;
    expect(hit.highlights.map((h) => hit.snippet.slice(h.start, h.end).toLowerCase())).toContain('toner');
    expect(hit.snippet).not.toMatch(/[«»]/);
    const semantic = await call<{ rows: { filename: string; score: number }[] }>('documents.list', { q: 'hedge and lawn in the garden', mode: 'semantic' });
    expect(semantic.rows[0].filename).toBe('garden.txt');
    expect(semantic.rows.every((r) => r.score <= semantic.rows[0].score)).toBe(true);
    // The relevance floor: a query about nothing in the library lists nothing.
    const unrelated = await call<{ rows: unknown[]; total: number }>('documents.list', { q: 'xylophone zeppelin', mode: 'hybrid' });
    expect(unrelated).toEqual({ rows: [], total: 0 });

    const page = await call<{ rows: { filename: string; stage: string }[]; total: number }>('failed.list', { sort: 'filename', dir: 'asc' });
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.filename)).toEqual(['bad.txt', 'short.txt']);
    const filtered = await call<{ total: number }>('failed.list', { filter: { errorCode: 'text_binary' } });
    expect(filtered.total).toBe(1);
    const groups = await call<{ errorCode: string; count: number }[]>('failed.groups', {});
    expect(groups.map((g) => [g.errorCode, g.count]).sort()).toEqual([['text_binary', 1], ['text_insufficient', 1]]);

    const detail = await call<{ events: { kind: string }[]; stack: string | null }>('failed.get', { id: (await call<{ rows: { id: number }[] }>('failed.list', {})).rows[0].id });
    expect(detail.events.map((e) => e.kind)).toEqual(['failure']);

    const runs = await call<{ id: number; status: string }[]>('runs.list', { limit: 5 });
    expect(runs[0]).toMatchObject({ id: runId, status: 'completed' });
  });

  it('an image that failed because OCR was off is ingested after OCR is turned on and it is reset & reprocessed', async () => {
    ws.write('receipt.png', await makeTextPng(['BAKERY RECEIPT', 'Two loaves of bread', 'Total paid 7.50 EUR']));
    await call('settings.set', { ocr: false });
    const finished = nextEvent('run.finished');
    await call('ingest.start', { paths: [ws.docs] });
    expect(await finished).toMatchObject({ failed: 1, failedByStage: { extract_text: 1 } });
    const [row] = (await call<{ rows: { id: number; reason: string; eligibleForRetry: string | null }[] }>('failed.list', {})).rows;
    expect(row.reason).toBe('insufficient text; OCR disabled');
    expect(row.eligibleForRetry).toBeNull();

    await call('settings.set', { ocr: true });
    const eligible = (await call<{ rows: { eligibleForRetry: string | null }[] }>('failed.list', {})).rows[0];
    expect(eligible.eligibleForRetry).toBe('OCR turned on');

    const report = await call<{ succeeded: number; outcomes: { id: number; outcome: string; documentId?: number }[] }>('failed.reprocess', { ids: [row.id] });
    expect(report.succeeded).toBe(1);
    expect(report.outcomes[0]).toMatchObject({ id: row.id, outcome: 'succeeded' });
    expect(await call('failed.count', {})).toBe(0);
    const doc = await call<{ contentSource: string; content: string }>('documents.get', { id: report.outcomes[0].documentId });
    expect(doc.contentSource).toBe('ocr');
    expect(doc.content.toUpperCase()).toContain('BAKERY');
  });

  it('"Reset all matching" resets exactly the rows the filter shows; the estimate counts files and AI calls', async () => {
    ws.write('a.txt', 'x');
    ws.write('b.txt', 'y');
    ws.write('c.txt', Buffer.alloc(300, 0));
    const finished = nextEvent('run.finished');
    await call('ingest.start', { paths: [ws.docs], ocr: false });
    await finished;

    await call('settings.set', { ai: { provider: 'openai', baseUrl: 'http://127.0.0.1:9/v1', chatModel: 'm', embedModel: 'e' } });
    const est = await call<{ files: number; aiCalls: number; tokens: number }>('failed.estimate', { all: true, filter: { errorCode: 'text_insufficient' } });
    expect(est.files).toBe(2);
    expect(est.aiCalls).toBeGreaterThanOrEqual(4);
    expect(est.tokens).toBeGreaterThan(0);

    const res = await call<{ reset: number }>('failed.reset', { all: true, filter: { errorCode: 'text_insufficient' } });
    expect(res.reset).toBe(2);
    const left = await call<{ rows: { filename: string }[] }>('failed.list', {});
    expect(left.rows.map((r) => r.filename)).toEqual(['c.txt']);
  });

  it('the API key is stored encrypted and never returned', async () => {
    const s = await call<{ ai: Record<string, unknown> }>('settings.set', { apiKey: 'sk-very-secret', ai: { provider: 'openai' } });
    expect(s.ai.hasApiKey).toBe(true);
    expect(JSON.stringify(s)).not.toContain('sk-very-secret');
    expect(JSON.stringify(await call('settings.get', {}))).not.toContain('sk-very-secret');
    const onDisk = readFileSync(join(ws.dataDir, 'api-key.enc'));
    expect(onDisk.toString('utf8')).not.toContain('sk-very-secret');
    const rows = await call<{ rows: Record<string, unknown>[] }>('db.rows', { table: 'settings' });
    expect(JSON.stringify(rows)).not.toContain('sk-very-secret');
    const cleared = await call<{ ai: { hasApiKey: boolean } }>('settings.set', { apiKey: '' });
    expect(cleared.ai.hasApiKey).toBe(false);
  });

  it('the database browser edits and deletes a failed_files row with bound values, and refuses unknown names', async () => {
    ws.write('a.txt', 'x');
    const finished = nextEvent('run.finished');
    await call('ingest.start', { paths: [ws.docs], ocr: false });
    await finished;
    const tables = await call<{ name: string }[]>('db.tables', {});
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['documents', 'failed_files', 'runs', 'failure_events']));
    const { rows } = await call<{ rows: { __rowid: number; reason: string }[] }>('db.rows', { table: 'failed_files', sort: 'failed_at' });
    const id = rows[0].__rowid;
    await call('db.update', { table: 'failed_files', id, values: { reason: "x'); DROP TABLE documents; --" } });
    const after = await call<{ rows: { reason: string }[] }>('db.rows', { table: 'failed_files' });
    expect(after.rows[0].reason).toBe("x'); DROP TABLE documents; --");
    expect((await call<{ name: string }[]>('db.tables', {})).some((t) => t.name === 'documents')).toBe(true);
    await expect(call('db.rows', { table: 'sqlite_master' })).rejects.toMatchObject({ code: 'unknown_table' });
    await expect(call('db.update', { table: 'failed_files', id, values: { nonsense: 1 } })).rejects.toMatchObject({ code: 'unknown_column' });
    await expect(call('db.update', { table: 'failed_files', id, values: { attempts: 'many' } })).rejects.toMatchObject({ code: 'invalid_value' });
    await call('db.delete', { table: 'failed_files', id });
    expect(await call('failed.count', {})).toBe(0);
  });

  it('paths outside the granted folders are refused; the folder browser lists what is inside', async () => {
    mkdirSync(join(ws.docs, 'sub'));
    writeFileSync(join(ws.docs, 'note.txt'), 'n');
    const listing = await call<{ entries: { name: string; dir: boolean }[]; parent: string | null }>('fs.list', { path: ws.docs });
    expect(listing.entries).toEqual([
      { name: 'sub', path: join(ws.docs, 'sub'), dir: true },
      { name: 'note.txt', path: join(ws.docs, 'note.txt'), dir: false },
    ]);
    for (const p of ['/etc', `${ws.docs}/../../..`, 'relative/path']) {
      await expect(call('fs.list', { path: p })).rejects.toMatchObject({ code: 'path_not_allowed' });
      await expect(call('ingest.start', { paths: [p] })).rejects.toMatchObject({ code: 'path_not_allowed' });
    }
    expect((await call<unknown[]>('runs.list', { limit: 5 })).length).toBe(0);
  });
});
