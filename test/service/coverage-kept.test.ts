/**
 * The coverage map is kept as files are recorded (coverage_files and coverage_counts, maintained
 * by triggers): after each thing that changes what Intake knows about a path — a run, a reset, a
 * reprocess, rows deleted or edited in the Database editor, a re-run, a library upgraded from
 * before the map existed — every folder's listing equals what the five tables say, worked out
 * here independently, path by path.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntakeService } from '../../src/main/app/service';
import type { IntakeService } from '../../src/main/app/service-api';
import { openDatabase } from '../../src/main/db/connection';
import { MIGRATIONS } from '../../src/main/db/migrations';
import type { CoverageCounts, CoverageListing, FailedFile, RunRow } from '../../src/shared/domain';
import { runCli } from '../support/cli';
import { callThrough } from '../support/dispatch';
import { Workspace, letter } from '../support/workspace';

type Category = keyof CoverageCounts;
const binary = () => Buffer.from([0, 1, 2, 3, 0, 0, 255, 254].concat(Array(300).fill(0)));

let ws: Workspace;
let service: IntakeService | null = null;
beforeEach(() => {
  ws = new Workspace('intake-coverage-kept-');
});
afterEach(async () => {
  await service?.close();
  service = null;
  await ws.close();
});

async function start(): Promise<IntakeService> {
  service = await createIntakeService({
    dbPath: ws.dbPath,
    dataDir: ws.dataDir,
    allowedRoots: [ws.root],
    watch: { enabled: false },
    engine: { extractorOptions: { workers: 1 } },
    platform: { mode: 'browser', chooseFolder: async () => null, showInFolder: async () => undefined, openExternal: async () => undefined, secrets: { description: 't', encrypt: (s) => Buffer.from(s), decrypt: (b) => Buffer.from(b).toString() } },
  });
  return service;
}

/** Each known path once, in its best category, from the five tables (not from the map). */
function truth(dbPath: string): Map<string, Category> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const best = new Map<string, Category>();
    const sources: [string, Category][] = [
      ['SELECT file_path FROM documents', 'ingested'],
      ['SELECT file_path FROM document_paths', 'duplicate'],
      ['SELECT file_path FROM failed_files', 'failed'],
      ['SELECT file_path FROM failed_paths', 'failed'], // a copy of a failed file, skipped with it
      ['SELECT path FROM unsupported_files', 'unsupported'],
      ['SELECT path FROM file_index', 'unseen'],
    ];
    for (const [sql, cat] of sources) {
      for (const p of db.prepare(sql).pluck().all() as string[]) if (!best.has(p)) best.set(p, cat);
    }
    return best;
  } finally {
    db.close();
  }
}

/** A folder's listing as the truth gives it: subfolders summed, own files one each, the total. */
function expectedListing(best: Map<string, Category>, folder: string) {
  const empty = (): CoverageCounts => ({ ingested: 0, duplicate: 0, failed: 0, unsupported: 0, unseen: 0 });
  const total = empty();
  const dirs = new Map<string, CoverageCounts>();
  const files = new Map<string, CoverageCounts>();
  for (const [p, cat] of best) {
    if (!p.startsWith(`${folder}/`)) continue;
    const rest = p.slice(folder.length + 1).split('/');
    const into = rest.length > 1 ? dirs : files;
    const counts = into.get(rest[0]) ?? empty();
    counts[cat]++;
    into.set(rest[0], counts);
    total[cat]++;
  }
  const sorted = (m: Map<string, CoverageCounts>, dir: boolean) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, counts]) => ({ name, path: `${folder}/${name}`, dir, counts }));
  return { total, entries: [...sorted(dirs, true), ...sorted(files, false)] };
}

/** Every folder under `root` (root included) lists what the truth says; returns the root's total. */
async function agrees(s: IntakeService, root: string): Promise<CoverageCounts> {
  const best = truth(ws.dbPath);
  const folders = [root];
  for (let i = 0; i < folders.length; i++) {
    const got = await callThrough<CoverageListing>(s.handlers, 'coverage.list', { folder: folders[i], disk: false, limit: 10_000 });
    const want = expectedListing(best, folders[i]);
    expect({ folder: folders[i], total: got.total, entries: got.entries }).toEqual({ folder: folders[i], ...want });
    folders.push(...got.entries.filter((e) => e.dir).map((e) => e.path));
  }
  // The triggers' per-folder counts equal a count of their per-path rows (no drift, no zero rows).
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    const drift = db
      .prepare(`SELECT c.dir, c.cat, c.n, (SELECT count(*) FROM coverage_files f WHERE f.dir = c.dir AND f.cat = c.cat) AS m FROM coverage_counts c WHERE c.n != m OR c.n <= 0`)
      .all();
    expect(drift).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM coverage_files').pluck().get()).toBe(best.size);
  } finally {
    db.close();
  }
  return (await callThrough<CoverageListing>(s.handlers, 'coverage.list', { folder: root, disk: false })).total;
}

async function finished(s: IntakeService, runId: number): Promise<void> {
  const end = Date.now() + 120_000;
  while (Date.now() < end) {
    if ((await callThrough<RunRow[]>(s.handlers, 'runs.list', { limit: 50 })).some((r) => r.id === runId && r.status !== 'running')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not finish`);
}

describe('the coverage map kept as files are recorded', () => {
  it('stays equal to the tables through a run, reset, reprocess, Database editor deletes and edits, and a re-run', async () => {
    const tree = join(ws.docs, 'tree');
    ws.write('tree/a/one.txt', letter('Kept letter one'));
    ws.write('tree/a/two.txt', letter('Kept letter two'));
    ws.write('tree/a/sub/three.txt', letter('Kept letter three'));
    ws.write('tree/b/copy-of-one.txt', letter('Kept letter one'));
    ws.write('tree/b/broken.txt', binary());
    ws.write('tree/b/broken-again.txt', Buffer.concat([binary(), Buffer.from([9])]));
    ws.write('tree/b/photo.xyz', 'a type Intake does not read');
    ws.write('tree/e/broken-copy.txt', binary()); // skipped as a copy of a failure: failed_paths
    ws.write('tree/top.txt', letter('Kept top letter'));
    const s = await start();

    // A run: every category.
    await finished(s, (await callThrough<{ runId: number }>(s.handlers, 'ingest.start', { paths: [tree], ocr: false })).runId);
    expect(await agrees(s, tree)).toEqual({ ingested: 4, duplicate: 1, failed: 3, unsupported: 1, unseen: 0 });

    // The copy's folder counts one failed, and Failed files for that folder shows the row it was skipped with.
    const inE = await callThrough<{ rows: FailedFile[] }>(s.handlers, 'failed.list', { filter: { folder: join(tree, 'e') } });
    expect(inE.rows.map((r) => r.filename)).toEqual(['broken.txt']);

    // Reset: the failure and its skipped copy are forgotten, both paths still hashed (not yet seen).
    const failed = (await callThrough<{ rows: FailedFile[] }>(s.handlers, 'failed.list', { filter: { folder: tree } })).rows;
    const broken = failed.find((f) => f.filename === 'broken.txt')!;
    await callThrough(s.handlers, 'failed.reset', { ids: [broken.id] });
    expect(await agrees(s, tree)).toEqual({ ingested: 4, duplicate: 1, failed: 1, unsupported: 1, unseen: 2 });

    // Reprocess: the other broken file, fixed on disk, comes in.
    writeFileSync(join(tree, 'b/broken-again.txt'), letter('Repaired letter'));
    const again = failed.find((f) => f.filename === 'broken-again.txt')!;
    const report = await callThrough<{ runId: number; succeeded: number }>(s.handlers, 'failed.reprocess', { ids: [again.id] });
    await finished(s, report.runId);
    expect(await agrees(s, tree)).toEqual({ ingested: 5, duplicate: 1, failed: 0, unsupported: 1, unseen: 2 });

    // The Database editor: deleting letter one's document takes both its paths (foreign-key cascade).
    const docId = withDbGet<number>('SELECT id FROM documents WHERE file_path = ?', join(tree, 'a/one.txt'));
    await callThrough(s.handlers, 'db.delete', { table: 'documents', id: docId });
    expect(await agrees(s, tree)).toEqual({ ingested: 4, duplicate: 0, failed: 0, unsupported: 1, unseen: 4 });
    // ... a file_index row deleted: that path is no longer known at all.
    const indexRow = withDbGet<number>('SELECT rowid FROM file_index WHERE path = ?', join(tree, 'a/one.txt'));
    await callThrough(s.handlers, 'db.delete', { table: 'file_index', id: indexRow });
    expect(await agrees(s, tree)).toEqual({ ingested: 4, duplicate: 0, failed: 0, unsupported: 1, unseen: 3 });
    // ... a document's path edited: it moves folder (and leaves its old path a duplicate no more).
    const twoId = withDbGet<number>('SELECT id FROM documents WHERE file_path = ?', join(tree, 'a/two.txt'));
    await callThrough(s.handlers, 'db.update', { table: 'documents', id: twoId, values: { file_path: join(tree, 'c/moved.txt') } });
    expect(await agrees(s, tree)).toMatchObject({ ingested: 4, duplicate: 1 });
    const pathRow = withDbGet<number>('SELECT rowid FROM document_paths WHERE file_path = ?', join(tree, 'a/two.txt'));
    await callThrough(s.handlers, 'db.update', { table: 'document_paths', id: pathRow, values: { file_path: join(tree, 'c/moved.txt') } });
    await agrees(s, tree);

    // A re-run: letter one comes back, a new file arrives, the unsupported file is gone from disk.
    ws.write('tree/d/new.txt', letter('A new letter in a new folder'));
    rmSync(join(tree, 'b/photo.xyz'));
    await finished(s, (await callThrough<{ runId: number }>(s.handlers, 'ingest.start', { paths: [tree], ocr: false })).runId);
    const after = await agrees(s, tree);
    expect(after.ingested).toBeGreaterThanOrEqual(6);
    expect(after.failed).toBe(2); // broken.txt, reset earlier and still unreadable, fails again, and its copy with it
  }, 300_000);

  it('a library from before the map (version 10, with rows): a command that only looks upgrades it first, and the map is filled in from its rows', async () => {
    const root = join(ws.docs, 'old');
    mkdirSync(dirname(ws.dbPath), { recursive: true });
    const db = new Database(ws.dbPath);
    for (let v = 0; v < 10; v++) db.exec(MIGRATIONS[v]);
    db.pragma('user_version = 10');
    const at = 1_700_000_000;
    const doc = db.prepare(
      `INSERT INTO documents (file_hash, file_path, filename, size, mime_type, content, content_source, title, doc_type, ai_provider, ai_model, created_at, updated_at)
       VALUES (?, ?, ?, 1, 'text/plain', 'x', 'text', 't', 'letter', 'local', 'rules', ?, ?)`,
    );
    const id = Number(doc.run('h1', `${root}/2020/a.txt`, 'a.txt', at, at).lastInsertRowid);
    db.prepare('INSERT INTO document_paths (document_id, file_path, seen_at) VALUES (?, ?, ?)').run(id, `${root}/2020/a.txt`, at);
    db.prepare('INSERT INTO document_paths (document_id, file_path, seen_at) VALUES (?, ?, ?)').run(id, `${root}/2021/copy/a.txt`, at);
    db.prepare(
      `INSERT INTO failed_files (file_path, filename, file_hash, stage, reason, error_type, error_message, failed_at, first_failed_at, failure_class, error_code)
       VALUES (?, 'bad.pdf', 'h2', 'extract_text', 'damaged', 'pdf_corrupt', 'damaged', ?, ?, 'input', 'pdf_corrupt')`,
    ).run(`${root}/2021/bad.pdf`, at, at);
    db.prepare('INSERT INTO failed_paths (file_hash, file_path, seen_at) VALUES (?, ?, ?)').run('h2', `${root}/2022/bad-copy.pdf`, at);
    db.prepare('INSERT INTO unsupported_files (path, seen_at) VALUES (?, ?)').run(`${root}/photo.heic`, at);
    for (const p of [`${root}/2020/a.txt`, `${root}/2021/copy/a.txt`, `${root}/2021/bad.pdf`, `${root}/2022/hashed.txt`]) {
      db.prepare('INSERT INTO file_index (path, size, mtime_ms, hash, indexed_at) VALUES (?, 1, 1, ?, ?)').run(p, p, at);
    }
    db.close();
    // `intake coverage` only looks, but a library from before the map is upgraded first (as the app
    // would on opening it), so the map is filled in from the rows it has.
    const cli = await runCli(['coverage', root, '--db', ws.dbPath, '--json'], {});
    expect(cli.stderr).toBe('');
    const before = JSON.parse(cli.stdout) as CoverageListing;
    expect(withDbGet<number>('PRAGMA user_version')).toBe(MIGRATIONS.length);

    openDatabase(ws.dbPath).close(); // already upgraded: nothing to do
    const s = await start();
    expect(await agrees(s, root)).toEqual({ ingested: 1, duplicate: 1, failed: 2, unsupported: 1, unseen: 1 });
    const after = await callThrough<CoverageListing>(s.handlers, 'coverage.list', { folder: root, disk: false });
    expect(before).toEqual(after);
  }, 120_000);
});

function withDbGet<T>(sql: string, ...args: unknown[]): T {
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    return db.prepare(sql).pluck().get(...args) as T;
  } finally {
    db.close();
  }
}
