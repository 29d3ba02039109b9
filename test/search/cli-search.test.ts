// `intake search` as a user runs it: a separate process over a library the CLI ingested
// (hashed vectors here, INTAKE_ENCODER=hash from the test config; search.test.ts covers the encoder).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOICE, Workspace, letter } from '../support/workspace';

const BIN = resolve(__dirname, '../../bin/intake.js');

function intake(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, INTAKE_DATA_DIR: ws.dataDir, INTAKE_DB: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let ws: Workspace;
beforeAll(async () => {
  ws = new Workspace('intake-search-cli-');
  ws.write('invoice.txt', INVOICE);
  ws.write('letter.txt', letter('Council tax reminder'));
  ws.write('garden.txt', 'Notes on the garden: cut the hedge in May, mow the lawn weekly, water the roses.');
  const r = await intake(['ingest', ws.docs, '--db', ws.dbPath, '--no-ocr', '--json']);
  expect(r.code).toBe(0);
});
afterAll(() => ws.close());

describe('intake search', () => {
  it('--json prints an array, best first, of exactly the documented fields', async () => {
    const r = await intake(['search', 'toner cartridge', '--db', ws.dbPath, '--json']);
    expect(r.code).toBe(0);
    const hits = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(hits.length).toBeGreaterThan(0);
    expect(Object.keys(hits[0]).sort()).toEqual(['correspondent', 'date', 'docType', 'filePath', 'id', 'score', 'snippet', 'title']);
    expect(hits[0]).toMatchObject({ filePath: resolve(ws.docs, 'invoice.txt'), docType: 'invoice', date: '2024-03-15' });
    expect(String(hits[0].snippet)).toMatch(/toner/i);
    expect(String(hits[0].snippet)).not.toMatch(/[«»]/);
  });

  it('keyword mode needs the words; a readable list otherwise; "No documents match" for nothing; --limit caps it', async () => {
    const kw = await intake(['search', 'hedge', '--mode', 'keyword', '--db', ws.dbPath]);
    expect(kw.code).toBe(0);
    expect(kw.stdout).toContain('garden.txt');
    expect(kw.stdout).not.toContain('invoice.txt');
    const none = await intake(['search', 'xylophone', '--mode', 'keyword', '--db', ws.dbPath]);
    expect(none.stdout).toContain('No documents match');
    const one = await intake(['search', 'the', '--db', ws.dbPath, '--json', '--limit', '1']);
    expect((JSON.parse(one.stdout) as unknown[]).length).toBeLessThanOrEqual(1);
  });

  it('refuses a bad mode, a bad limit, no query and a library that does not exist, with one line and exit 1', async () => {
    for (const args of [
      ['search', 'x', '--mode', 'fuzzy', '--db', ws.dbPath],
      ['search', 'x', '--limit', '0', '--db', ws.dbPath],
      ['search', '--db', ws.dbPath],
      ['search', 'x', '--db', resolve(ws.root, 'missing.db')],
    ]) {
      const r = await intake(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('reembed reports the library as embedded with the current model', async () => {
    const r = await intake(['reembed', '--db', ws.dbPath, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ model: 'local-hash-256', outdated: 0, pending: 0, failed: 0 });
  });
});
