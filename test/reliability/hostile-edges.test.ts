// Hostile input at every edge: each contract channel through dispatch with the real service on a
// temp library, the table browser, browser mode over HTTP, and the CLI's arguments. Every refusal
// is a clear error envelope (or one line and exit 1), and nothing is written.
import { mkdirSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../src/main/app/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import type { IntakeService } from '../../src/main/app/service-api';
import { headlessPlatform } from '../../src/main/app/platform';
import { startWebServer, type WebServer } from '../../src/main/web/server';
import { contract, type Envelope } from '../../src/shared/contract';
import { Workspace, letter } from '../support/workspace';
import { cli, dbSnapshot, listTree } from './support';

let ws: Workspace;
let service: IntakeService;
let outsideLink: string;

beforeAll(async () => {
  ws = new Workspace('intake-hostile-');
  ws.write('inbox/a.txt', letter('A letter that is allowed'));
  ws.write('tiny.txt', 'x');
  outsideLink = join(ws.docs, 'etc-link');
  symlinkSync('/etc', outsideLink);
  service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform: headlessPlatform(ws.dataDir), allowedRoots: [ws.docs] });
  // Something to aim at: a run with one document and one failed row.
  const done = new Promise((r) => service.on('run.finished', r));
  expect(await dispatch(service.handlers, 'ingest.start', { paths: [ws.docs], ocr: false })).toMatchObject({ ok: true });
  await done;
});
afterAll(async () => {
  await service.close();
  await ws.close();
});

/** Row counts, schema, settings and every file under the workspace: "nothing written" compares two. */
function state(): string {
  const settings = service.handlers['settings.get']({});
  return JSON.stringify({ db: dbSnapshot(ws.dbPath), files: listTree(ws.root).filter((p) => !/intake\.db-(wal|shm)$/.test(p)), settings });
}

const deep = (n: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = { x: v };
  return v;
};

const HUGE = 'A'.repeat(5_000_000);
const NUL = '/tmp/evil\0.txt';

/** Inputs no channel may accept. */
const everywhere: [string, unknown][] = [
  ['null', null],
  ['a string', 'rm -rf /'],
  ['a number', 42],
  ['an array', [1, 2, 3]],
  ['an unknown field', { isAdmin: true }],
  ['a __proto__ key', JSON.parse('{"__proto__": {"polluted": true}, "x": 1}')],
  ['a 5 MB string', HUGE],
  ['a deeply nested object', deep(5000)],
];

/** Channel-specific hostile inputs (all must be refused). */
const specific: [string, string, unknown][] = [
  ['ingest.preflight', 'relative path', { paths: ['docs/../../etc'] }],
  ['ingest.preflight', 'outside the granted roots', { paths: ['/etc'] }],
  ['ingest.preflight', '.. out of the root', { paths: [`${'/'}tmp/../etc/passwd`] }],
  ['ingest.start', '.. out of the root', { paths: [`${'/'}placeholder/../../etc`] }],
  ['ingest.start', 'symlink out of the root', { paths: ['@LINK'] }],
  ['ingest.start', 'into a symlink out of the root', { paths: ['@LINK/passwd'] }],
  ['ingest.start', 'NUL byte', { paths: [NUL] }],
  ['ingest.start', 'huge path', { paths: ['/' + 'a'.repeat(100_000)] }],
  ['ingest.start', 'empty path', { paths: [''] }],
  ['ingest.start', 'no paths', { paths: [] }],
  ['ingest.start', 'paths not an array', { paths: '@DOCS' }],
  ['ingest.start', 'path not a string', { paths: [42] }],
  ['ingest.start', 'ten thousand and one paths', { paths: Array.from({ length: 10_001 }, () => '@DOCS') }],
  ['ingest.start', 'concurrency 0', { paths: ['@DOCS'], concurrency: 0 }],
  ['ingest.start', 'concurrency 1000', { paths: ['@DOCS'], concurrency: 1000 }],
  ['ingest.start', 'concurrency as text', { paths: ['@DOCS'], concurrency: '4' }],
  ['ingest.start', 'fractional concurrency', { paths: ['@DOCS'], concurrency: 1.5 }],
  ['ingest.start', 'ocr as text', { paths: ['@DOCS'], ocr: 'yes' }],
  ['ingest.start', 'a path that does not exist', { paths: ['@DOCS/no-such-folder'] }],
  ['ingest.pause', 'run id 0', { runId: 0 }],
  ['ingest.pause', 'run id as text', { runId: '1' }],
  ['ingest.resume', 'unknown run', { runId: 424242 }],
  ['ingest.cancel', 'unsafe integer', { runId: 2 ** 60 }],
  ['ingest.inbox', '.. in a name', { files: [{ relativePath: '../escaped.txt', dataBase64: 'aGk=' }] }],
  ['ingest.inbox', '.. deeper', { files: [{ relativePath: 'a/b/../../../escaped.txt', dataBase64: 'aGk=' }] }],
  ['ingest.inbox', 'NUL in a name', { files: [{ relativePath: 'a\0b.txt', dataBase64: 'aGk=' }] }],
  ['ingest.inbox', 'empty name', { files: [{ relativePath: '', dataBase64: 'aGk=' }] }],
  ['ingest.inbox', 'a good file, then a bad one', { files: [{ relativePath: 'good.txt', dataBase64: 'aGk=' }, { relativePath: '../bad.txt', dataBase64: 'aGk=' }] }],
  ['ingest.inbox', 'a good file, then a name too long for the disk', { files: [{ relativePath: 'good.txt', dataBase64: 'aGk=' }, { relativePath: `${'n'.repeat(300)}.txt`, dataBase64: 'aGk=' }] }],
  ['ingest.inbox', 'no files', { files: [] }],
  ['ingest.inbox', 'data not a string', { files: [{ relativePath: 'x.txt', dataBase64: 12 }] }],
  ['runs.list', 'limit 0', { limit: 0 }],
  ['runs.list', 'limit 1e9', { limit: 1e9 }],
  ['failed.list', 'SQL as the sort column', { sort: 'failed_at; DROP TABLE runs' }],
  ['failed.list', 'bad direction', { dir: 'sideways' }],
  ['failed.list', 'unknown stage', { filter: { stage: 'everything' } }],
  ['failed.list', 'huge search text', { filter: { q: 'q'.repeat(501) } }],
  ['failed.list', 'negative offset', { offset: -1 }],
  ['failed.list', 'page of a million', { limit: 1_000_000 }],
  ['failed.list', 'unknown filter field', { filter: { sql: '1=1' } }],
  ['failed.get', 'id 0', { id: 0 }],
  ['failed.get', 'id as text', { id: '1 OR 1=1' }],
  ['failed.get', 'no such row', { id: 424242 }],
  ['failed.groups', 'filter not an object', { filter: 'all' }],
  ['failed.reset', 'empty ids', { ids: [] }],
  ['failed.reset', 'ids as text', { ids: ['1'] }],
  ['failed.reset', '"all" without a filter', { all: true }],
  ['failed.reset', 'all: false', { filter: {}, all: false }],
  ['failed.reset', 'ids and a filter together', { ids: [1], filter: {}, all: true }],
  ['failed.estimate', 'negative id', { ids: [-1] }],
  ['failed.reprocess', 'fractional id', { ids: [1.5] }],
  ['documents.list', 'unknown mode', { mode: 'sql' }],
  ['documents.list', 'huge query', { q: 'x'.repeat(501) }],
  ['documents.get', 'no such document', { id: 424242 }],
  ['db.rows', 'sqlite_master', { table: 'sqlite_master' }],
  ['db.rows', 'the FTS shadow table', { table: 'documents_fts_data' }],
  ['db.rows', 'SQL in the table name', { table: 'documents; DROP TABLE runs' }],
  ['db.rows', 'upper-case table name', { table: 'DOCUMENTS' }],
  ['db.rows', 'unknown column to sort by', { table: 'documents', sort: 'secret' }],
  ['db.rows', 'SQL in the sort column', { table: 'documents', sort: 'id desc, (SELECT 1)' }],
  ['db.rows', 'rowid as the sort column', { table: 'runs', sort: 'rowid' }],
  ['db.insert', 'unknown table', { table: 'sqlite_sequence', values: { name: 'x' } }],
  ['db.insert', 'unknown column', { table: 'settings', values: { key: 'k', value: 'v', owner: 'me' } }],
  ['db.insert', 'SQL in a column name', { table: 'settings', values: { 'key) VALUES (1); --': 'x' } }],
  ['db.insert', 'read-only id', { table: 'runs', values: { id: 99, started_at: 1, status: 'running' } }],
  ['db.insert', 'no values', { table: 'settings', values: {} }],
  ['db.insert', 'an object as a value', { table: 'settings', values: { key: 'k', value: { toString: 'x' } } }],
  ['db.insert', 'a value over 1 MB', { table: 'settings', values: { key: 'k', value: 'v'.repeat(1_000_001) } }],
  ['db.insert', 'a missing required column', { table: 'failed_files', values: { file_path: '/x' } }],
  ['db.insert', 'a status outside the CHECK', { table: 'runs', values: { started_at: 1, status: 'hacked' } }],
  ['db.insert', 'text in an integer column', { table: 'runs', values: { started_at: 'yesterday', status: 'running' } }],
  ['db.update', 'no such row', { table: 'failed_files', id: 424242, values: { reason: 'x' } }],
  ['db.update', 'a blob column', { table: 'chunks', id: 1, values: { embedding: 'AAAA' } }],
  ['db.update', 'a status outside the CHECK', { table: 'runs', id: 1, values: { status: 'hacked' } }],
  ['db.update', 'a duplicate unique hash', { table: 'document_paths', id: 1, values: { document_id: 424242 } }],
  ['db.delete', 'SQL in the table name', { table: 'runs WHERE 1=1; --', id: 1 }],
  ['db.delete', 'no such row', { table: 'documents', id: 424242 }],
  ['settings.set', 'unknown provider', { ai: { provider: 'skynet' } }],
  ['settings.set', 'javascript: base URL', { ai: { baseUrl: 'javascript:alert(1)' } }],
  ['settings.set', 'file: base URL', { ai: { baseUrl: 'file:///etc/passwd' } }],
  ['settings.set', 'timeout 0', { ai: { timeoutMs: 0 } }],
  ['settings.set', 'retries 1000', { ai: { maxRetries: 1000 } }],
  ['settings.set', 'huge API key', { apiKey: 'k'.repeat(501) }],
  ['settings.set', 'path in an OCR language', { ocrLanguages: ['../../etc/passwd'] }],
  ['settings.set', 'shell in an OCR language', { ocrLanguages: ['eng;rm'] }],
  ['settings.set', 'no OCR language', { ocrLanguages: [] }],
  ['settings.set', 'page cap 0', { ocrPageCap: 0 }],
  ['settings.set', 'unknown setting', { pluginPath: '/tmp/evil.js' }],
  ['shell.showInFolder', 'outside the roots', { path: '/etc/passwd' }],
  ['shell.showInFolder', 'relative', { path: 'etc/passwd' }],
  ['shell.openExternal', 'javascript: link', { url: 'javascript:alert(1)' }],
  ['shell.openExternal', 'file: link', { url: 'file:///etc/passwd' }],
  ['shell.openExternal', 'data: link', { url: 'data:text/html,<script>alert(1)</script>' }],
  ['shell.openExternal', 'huge link', { url: `https://example.com/${'a'.repeat(5000)}` }],
  ['fs.list', 'outside the roots', { path: '/etc' }],
  ['fs.list', '/proc', { path: '/proc/self' }],
  ['fs.list', '.. out of the root', { path: '@DOCS/../..' }],
  ['fs.list', 'symlink out of the root', { path: '@LINK' }],
  ['fs.list', 'NUL byte', { path: '@DOCS\0' }],
];

function resolveTokens(v: unknown, docHash: string): unknown {
  if (typeof v === 'string') return v.replace('@DOCS', ws.docs).replace('@LINK', outsideLink).replace('@DOCHASH', docHash).replace('/placeholder', ws.docs);
  if (Array.isArray(v)) return v.map((x) => resolveTokens(x, docHash));
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveTokens(x, docHash)]));
  }
  return v;
}

function expectRefusal(env: Envelope<unknown>, where: string): void {
  expect(env.ok, `${where} was accepted: ${JSON.stringify(env).slice(0, 200)}`).toBe(false);
  if (env.ok) return;
  expect(env.error.code, where).toMatch(/^[a-z_]{3,40}$/);
  expect(env.error.code, where).not.toBe('internal');
  expect(env.error.message.length, where).toBeGreaterThan(5);
  expect(env.error.message.length, where).toBeLessThan(2100);
  expect(env.error.message, where).not.toMatch(/\n\s+at\s|SqliteError|TypeError|RangeError|\[object/);
}

describe('every IPC/web channel refuses hostile input with an error envelope and writes nothing', () => {
  it(`${Object.keys(contract).length} channels × ${everywhere.length} generic hostile inputs`, async () => {
    const before = state();
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const channel of Object.keys(contract)) {
      for (const [name, input] of everywhere) {
        const env = await dispatch(service.handlers, channel, input);
        expectRefusal(env, `${channel} ← ${name}`);
      }
    }
    expect(log).not.toHaveBeenCalled(); // no "internal" error reached the log
    log.mockRestore();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(state()).toBe(before);
  });

  it(`${specific.length} channel-specific hostile inputs: path tricks, SQL, out-of-range values`, async () => {
    const docs = await dispatch(service.handlers, 'documents.list', {});
    const hash = docs.ok ? (docs.value as { rows: { fileHash: string }[] }).rows[0].fileHash : '';
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const before = state();
    const accepted: string[] = [];
    for (const [channel, name, raw] of specific) {
      const env = await dispatch(service.handlers, channel, resolveTokens(raw, hash));
      if (env.ok) accepted.push(`${channel} ← ${name}: ${JSON.stringify(env.value).slice(0, 120)}`);
      else expectRefusal(env, `${channel} ← ${name}`);
    }
    expect(accepted).toEqual([]);
    expect(state()).toBe(before);
    expect(service.handlers['ingest.status']({})).toBeNull();
  });

  it('the table browser stores SQL text in values as plain data and keeps every table', async () => {
    const evil = "x'); DROP TABLE documents; --";
    // (The settings row is edited only through Settings; a history row takes plain text.)
    const ins = await dispatch(service.handlers, 'db.insert', { table: 'failure_events', values: { file_path: evil, kind: 'reset', message: 'Robert"); DELETE FROM runs; --' } });
    expect(ins).toMatchObject({ ok: true });
    const rows = await dispatch(service.handlers, 'db.rows', { table: 'failure_events', sort: 'at', dir: 'asc' });
    expect(rows.ok && (rows.value as { rows: { file_path: string; message: string }[] }).rows.find((r) => r.file_path === evil)?.message).toBe('Robert"); DELETE FROM runs; --');
    const tables = dbSnapshot(ws.dbPath);
    expect(Object.keys(tables.counts)).toEqual(expect.arrayContaining(['documents', 'runs', 'failed_files', 'chunks']));
    expect(tables.counts.runs).toBeGreaterThan(0);
    const del = await dispatch(service.handlers, 'db.delete', { table: 'failure_events', id: (ins as { value: { id: number } }).value.id });
    expect(del).toMatchObject({ ok: true, value: { changed: 1 } });
  });
});

describe('browser mode over HTTP, with the real service behind it', () => {
  let server: WebServer;
  beforeAll(async () => {
    const renderer = join(ws.root, 'renderer');
    mkdirSync(renderer, { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Intake</title>');
    server = await startWebServer({ service, rendererDir: renderer, port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  function post(path: string, headers: Record<string, string>, body = '{}', method = 'POST'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path, method, headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json', ...headers } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('refuses what the shell tests do not cover: token in the query, Origin null, other ports’ cookies, preflights — and writes nothing', async () => {
    const before = state();
    const cookie = `intake_token_${server.port}=${server.token}`;
    const writes = [
      ['/api/invoke/db.delete', JSON.stringify({ table: 'runs', id: 1 })],
      ['/api/invoke/settings.set', JSON.stringify({ apiKey: 'sk-stolen' })],
      ['/api/invoke/failed.reset', JSON.stringify({ filter: {}, all: true })],
    ] as const;
    const attempts: [string, Record<string, string>, string?][] = [
      ['token in the query string', {}, `?token=${server.token}`],
      ['Origin: null (sandboxed frame, file://)', { authorization: `Bearer ${server.token}`, origin: 'null' }],
      ['Origin of a page on another port', { authorization: `Bearer ${server.token}`, origin: `http://localhost:${server.port + 1}` }],
      ['cookie named for another instance', { cookie: `intake_token_${server.port + 1}=${server.token}` }],
      ['the right token, in a cookie (never a credential)', { cookie }],
      ['the token as a WebSocket subprotocol on HTTP', { 'sec-websocket-protocol': `intake, bearer.${server.token}` }],
      ['token with a different case', { authorization: `Bearer ${server.token.toUpperCase()}` }],
      ['token prefix only', { authorization: `Bearer ${server.token.slice(0, 32)}` }],
      ['basic auth with the token', { authorization: `Basic ${Buffer.from(`intake:${server.token}`).toString('base64')}` }],
      ['sec-fetch-site same-site (a sibling origin)', { authorization: `Bearer ${server.token}`, 'sec-fetch-site': 'same-site' }],
    ];
    for (const [name, headers, query] of attempts) {
      for (const [path, body] of writes) {
        const r = await post(path + (query ?? ''), headers, body);
        expect([401, 403], `${name} → ${path}`).toContain(r.status);
        expect(r.headers['access-control-allow-origin'], name).toBeUndefined();
        expect(JSON.parse(r.body), name).toMatchObject({ ok: false });
        expect(r.body, name).not.toContain(server.token);
      }
    }
    // A CORS preflight from another site gets no permission.
    const pre = await post('/api/invoke/db.delete', { origin: 'https://evil.example', 'access-control-request-method': 'POST' }, '', 'OPTIONS');
    expect(pre.status).toBe(403);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(state()).toBe(before);
  });

  it('with the token, hostile bodies still come back as envelopes and write nothing', async () => {
    const before = state();
    const auth = { authorization: `Bearer ${server.token}` };
    const cases: [string, string][] = [
      ['db.rows', JSON.stringify({ table: 'sqlite_master' })],
      ['db.insert', JSON.stringify({ table: 'documents; DROP TABLE runs', values: {} })],
      ['ingest.start', JSON.stringify({ paths: ['/etc'] })],
      ['fs.list', JSON.stringify({ path: '/root/../etc' })],
      ['failed.get', '{"id": 1e400}'],
      ['failed.list', '{"limit": 10, "limit": 1e9}'],
      ['settings.set', '{"__proto__": {"ocr": false}}'],
      ['ingest.start', `${'{"paths":['.repeat(1)}${'['.repeat(50_000)}${']'.repeat(50_000)}]}`],
      ['ingest.start', `${'{"x":'.repeat(50_000)}1${'}'.repeat(50_000)}`],
    ];
    for (const [channel, body] of cases) {
      const r = await post(`/api/invoke/${channel}`, auth, body);
      expect(r.status, channel).toBeLessThan(500);
      const env = JSON.parse(r.body) as Envelope<unknown>;
      expectRefusal(env, `${channel} ← ${body.slice(0, 60)}`);
    }
    expect(state()).toBe(before);
  });
});

describe('CLI arguments, hostile ones', () => {
  const run = (args: string[], env: Record<string, string> = {}) => cli(args, { env: { INTAKE_DATA_DIR: ws.dataDir, ...env }, timeoutMs: 60_000 });

  it('each gives one clear line on stderr, exit 1, no stack, and writes nothing', async () => {
    const dir = join(ws.root, 'a-directory');
    mkdirSync(dir);
    const notDb = join(ws.root, 'notes.txt');
    writeFileSync(notDb, 'these are notes, not a database\n');
    const fresh = join(ws.root, 'never', 'created.db');
    const cases: [string, string[], RegExp, Record<string, string>?][] = [
      ['--db is a directory', ['failed', 'list', '--db', dir], /database|library/i],
      ['--db is a text file', ['failed', 'list', '--db', notDb], /database|library/i],
      ['--db is a text file (ingest)', ['ingest', ws.docs, '--db', notDb, '--no-ocr'], /database|library/i],
      ['INTAKE_DB is a directory', ['failed', 'list'], /database|library/i, { INTAKE_DB: dir }],
      ['--db empty', ['failed', 'list', '--db', ''], /--db/],
      ['a path with a newline that does not exist', ['ingest', `${ws.docs}/no\nsuch`, '--db', fresh], /no such file or folder/],
      ['a 60 KB path', ['ingest', `/${'p'.repeat(60_000)}`, '--db', fresh], /no such file or folder|too long/],
      ['concurrency 1e3', ['ingest', ws.docs, '--db', fresh, '--concurrency', '1e3'], /--concurrency/],
      ['concurrency 0x10', ['ingest', ws.docs, '--db', fresh, '--concurrency', '0x10'], /--concurrency/],
      ['concurrency -1', ['ingest', ws.docs, '--db', fresh, '--concurrency=-1'], /--concurrency/],
      ['concurrency 20 digits', ['ingest', ws.docs, '--db', fresh, '--concurrency', '99999999999999999999'], /--concurrency/],
      ['base URL with a space', ['ingest', ws.docs, '--db', fresh, '--ai', 'openai', '--ai-base-url', 'http://exa mple/v1'], /--ai-base-url/],
      ['javascript: base URL', ['ingest', ws.docs, '--db', fresh, '--ai-base-url', 'javascript:alert(1)'], /--ai-base-url/],
      ['blank model', ['ingest', ws.docs, '--db', fresh, '--chat-model', '   '], /--chat-model/],
      ['huge model name', ['ingest', ws.docs, '--db', fresh, '--embed-model', 'm'.repeat(5000)], /--embed-model/],
      ['SQL as a stage', ['failed', 'list', '--db', fresh, '--stage', "classify'; DROP TABLE runs; --"], /--stage must be one of/],
      ['id in exponent form', ['failed', 'reset', '1e3', '--db', fresh], /neither a failed-file id nor a SHA-256 hash/],
      ['negative id', ['failed', 'reset', '--db', fresh, '--', '-1'], /neither a failed-file id nor a SHA-256 hash/],
      ['63-digit hash', ['failed', 'reset', 'a'.repeat(63), '--db', fresh], /neither a failed-file id nor a SHA-256 hash/],
      ['--all and --stage together', ['failed', 'reprocess', '--all', '--stage', 'ocr', '--db', fresh], /exactly one of them/],
      ['an option where a path goes', ['ingest', '--', '--json', '--db', fresh], /no such file or folder/],
      ['port out of range', ['serve', '--port', '99999', '--db', fresh], /--port/],
      ['port as text', ['serve', '--port', '80; rm -rf /', '--db', fresh], /--port/],
      ['emoji command', ['🚀'], /unknown command/],
      ['unknown option with a payload', ['ingest', ws.docs, `--$(reboot)`], /does not take --\$\(reboot\).*intake ingest --help/],
    ];
    const before = readFileSync(notDb, 'utf8');
    // Three at a time: each is a cold CLI start.
    const results = new Map<string, Awaited<ReturnType<typeof run>>>();
    for (let i = 0; i < cases.length; i += 3) {
      await Promise.all(cases.slice(i, i + 3).map(async ([name, args, , env]) => results.set(name, await run(args, env))));
    }
    for (const [name, , message] of cases) {
      const r = results.get(name)!;
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, `${name}: ${r.stderr}`).toHaveLength(1);
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr, name).not.toMatch(/^\s+at\s|SqliteError|node:internal/m);
      expect(r.stdout, name).toBe('');
    }
    expect(readFileSync(notDb, 'utf8')).toBe(before);
    expect(listTree(dir)).toEqual([]);
    expect(listTree(join(ws.root, 'never'))).toEqual([]);
  });

  it('NUL bytes cannot even reach the process through argv; given in-process they are refused', async () => {
    let refused = 'spawned';
    try {
      await cli(['ingest', 'a\0b']);
    } catch (e) {
      refused = (e as Error).message;
    }
    expect(refused).toMatch(/null bytes|NUL/i); // Node refuses a NUL in an argument
    const { main } = await import('../../src/cli/main');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['ingest', `${ws.docs}\0/x`])).toBe(1);
      expect(await main(['failed', 'list', '--db', `${ws.root}/x\0.db`])).toBe(1);
      const text = err.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toMatch(/NUL byte/);
      expect(text).toMatch(/--db needs a file path/);
    } finally {
      err.mockRestore();
    }
  });
});
