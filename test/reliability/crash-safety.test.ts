// Kill -9 at random moments of CLI runs over a mixed corpus, 20 times, then let a run finish:
// the library is never corrupt, and every file ends exactly once in documents or failed_files.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids, cli, goodLetter, isRunning, listTree, prng, startCli, strayTempFiles, waitFor, withDb } from './support';

const KILLS = 20;
const GOOD = 1850;
const SEED = Number(process.env.INTAKE_CRASH_SEED ?? 20240315);

interface Expected {
  good: Map<string, string>; // hash → path
  bad: Map<string, string>;
}

let root: string;
let docs: string;
let dataDir: string;
let dbPath: string;
let expected: Expected;
let corpusListing: string[];

const sha = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');

function buildCorpus(): Expected {
  const good = new Map<string, string>();
  const bad = new Map<string, string>();
  const put = (rel: string, content: string | Buffer, into: Map<string, string> | null): void => {
    const p = join(docs, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
    into?.set(sha(content), p);
  };
  for (let i = 0; i < GOOD; i++) put(`box-${String(i % 20).padStart(2, '0')}/${String(i).padStart(5, '0')}${i % 5 === 0 ? '.md' : '.txt'}`, goodLetter(i), good);
  // Bad files, each with its own content (failed_files is keyed by hash).
  for (let i = 0; i < 60; i++) put(`bad/binary-${i}.txt`, Buffer.from(Array.from({ length: 3000 }, (_, k) => (k * 31 + i * 7) % 256)), bad);
  for (let i = 0; i < 50; i++) put(`bad/tiny-${i}.txt`, `tiny ${i}`, bad);
  for (let i = 0; i < 20; i++) put(`bad/broken-${i}.pdf`, `%PDF-1.4\n% not really a PDF ${i}\n${'garbage '.repeat(i + 1)}\n%%EOF`, bad);
  for (let i = 0; i < 20; i++) put(`bad/junk-${i}.docx`, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200 + i, i + 1)]), bad);
  put('bad/empty.txt', '', bad);
  // Neither: unsupported types are counted, never stored.
  put('other/photo.heic', 'heic bytes', null);
  put('other/song.mp3', 'ID3 bytes', null);
  return { good, bad };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-crash-'));
  docs = join(root, 'docs');
  dataDir = join(root, 'data');
  dbPath = join(dataDir, 'intake.db');
  mkdirSync(docs, { recursive: true });
  expected = buildCorpus();
  corpusListing = listTree(docs);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const args = (): string[] => ['ingest', docs, '--db', dbPath, '--no-ocr', '--json', '--concurrency', '4'];
const env = (): Record<string, string> => ({ INTAKE_DATA_DIR: dataDir });

function storedCount(): number {
  if (!existsSync(dbPath)) return 0;
  try {
    return withDb(dbPath, (db) => (db.prepare('SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM failed_files) AS n').get() as { n: number }).n);
  } catch {
    return 0; // not created or not migrated yet
  }
}

/** What must hold after every kill, before anything else touches the file. */
function checkLibrary(): { documents: number; failed: number } {
  return withDb(dbPath, (db) => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0) return { documents: 0, failed: 0 }; // killed before the schema existed
    const q = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    expect(q('SELECT count(*) AS n FROM documents d JOIN failed_files f ON f.file_hash = d.file_hash'), 'a hash both stored and failed').toBe(0);
    expect(q('SELECT count(*) AS n FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)'), 'orphan chunks').toBe(0);
    expect(q('SELECT count(*) AS n FROM documents d WHERE NOT EXISTS (SELECT 1 FROM document_paths p WHERE p.document_id = d.id)'), 'document without a path').toBe(0);
    expect(q('SELECT count(*) AS n FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)'), 'document without chunks').toBe(0);
    return { documents: q('SELECT count(*) AS n FROM documents'), failed: q('SELECT count(*) AS n FROM failed_files') };
  });
}

describe('crash safety: kill -9 during CLI runs', () => {
  it(`survives ${KILLS} SIGKILLs at random moments; the next run finishes and every file ends exactly once`, async () => {
    const random = prng(SEED);
    let kills = 0;
    let midIngest = 0;
    let lastStored = 0;
    let attempts = 0;
    const orphans: number[] = [];
    while (kills < KILLS && attempts < KILLS * 2) {
      attempts++;
      const before = storedCount();
      const { child, done } = startCli(args(), { env: env() });
      const pid = child.pid!;
      // The first kills land anywhere (start-up, migration, scanning); the rest once the run has
      // stored a random number of files, plus a random few milliseconds.
      if (kills < 3) {
        await new Promise((r) => setTimeout(r, 150 + random() * 1200));
      } else {
        // Leave work for the kills still to come: each lands within its share of what is left.
        const share = Math.max(2, Math.floor((expected.good.size + expected.bad.size - before) / (KILLS - kills + 1)));
        const target = before + 1 + Math.floor(random() * share);
        await waitFor(() => storedCount() >= target || !isRunning(pid), 30_000, 10);
        await new Promise((r) => setTimeout(r, random() * 40));
      }
      const kids = childPids(pid);
      const killed = child.kill('SIGKILL');
      const result = await done;
      if (!killed || result.signal !== 'SIGKILL') {
        // It finished first: not a kill. Only acceptable once the corpus is done.
        expect(result.code, result.stderr).toBe(0);
        continue;
      }
      kills++;
      if (storedCount() > before) midIngest++;
      // A killed CLI must not leave its extraction process running.
      const gone = await waitFor(() => kids.every((k) => !isRunning(k)), 5_000);
      if (!gone) orphans.push(...kids.filter(isRunning));
      if (existsSync(dbPath)) {
        const { documents, failed } = checkLibrary();
        expect(documents + failed, `kill ${kills}: nothing stored earlier may be lost`).toBeGreaterThanOrEqual(lastStored);
        lastStored = documents + failed;
      }
    }
    for (const pid of orphans) process.kill(pid, 'SIGKILL');
    expect(orphans, 'extractor processes left behind by a killed CLI').toEqual([]);
    expect(kills).toBe(KILLS);
    expect(midIngest, 'kills that landed while files were being stored').toBeGreaterThanOrEqual(10);

    // One run to completion.
    const final = await cli(args(), { env: env() });
    expect(final.code, final.stderr).toBe(0);
    const summary = JSON.parse(final.stdout.trim().split('\n').pop()!);
    expect(summary.status).toBe('completed');
    expect(summary.unsupported).toBe(2);

    withDb(dbPath, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const docs = db.prepare('SELECT d.file_hash AS hash, (SELECT count(*) FROM document_paths p WHERE p.document_id = d.id AND p.file_path = ?) AS has FROM documents d WHERE d.file_hash = ?');
      const byHash = new Map((db.prepare('SELECT file_hash, count(*) AS n FROM documents GROUP BY file_hash').all() as { file_hash: string; n: number }[]).map((r) => [r.file_hash, r.n]));
      const failedByHash = new Map(
        (db.prepare('SELECT file_hash, count(*) AS n, min(stage) AS stage FROM failed_files GROUP BY file_hash').all() as { file_hash: string | null; n: number; stage: string }[]).map((r) => [
          r.file_hash,
          r,
        ]),
      );
      const missing: string[] = [];
      for (const [hash, path] of expected.good) {
        if (byHash.get(hash) !== 1) missing.push(`${path}: in documents ${byHash.get(hash) ?? 0} times`);
        else if ((docs.get(path, hash) as { has: number }).has !== 1) missing.push(`${path}: path not in document_paths`);
        if (failedByHash.has(hash)) missing.push(`${path}: also in failed_files`);
      }
      for (const [hash, path] of expected.bad) {
        const row = failedByHash.get(hash);
        if (!row || row.n !== 1) missing.push(`${path}: in failed_files ${row?.n ?? 0} times`);
        else if (row.stage !== 'extract_text') missing.push(`${path}: failed at ${row.stage}`);
        if (byHash.has(hash)) missing.push(`${path}: also in documents`);
      }
      expect(missing).toEqual([]);
      expect(byHash.size).toBe(expected.good.size);
      expect(failedByHash.size).toBe(expected.bad.size);
      expect(failedByHash.has(null), 'no unhashed failure rows').toBe(false);

      // Every killed run was marked interrupted by the start that followed it.
      const runs = db.prepare('SELECT status, count(*) AS n FROM runs GROUP BY status').all() as { status: string; n: number }[];
      const by = Object.fromEntries(runs.map((r) => [r.status, r.n]));
      expect(by.running ?? 0).toBe(0);
      expect(by.completed).toBeGreaterThanOrEqual(1);
      expect(by.interrupted).toBeGreaterThanOrEqual(KILLS - 3); // the first kills may land before a run row exists
      const lastInterrupted = db.prepare("SELECT message, finished_at FROM runs WHERE status = 'interrupted' ORDER BY id DESC LIMIT 1").get() as { message: string; finished_at: number };
      expect(lastInterrupted.message).toMatch(/stopped before it finished/);
      expect(lastInterrupted.finished_at).toBeGreaterThan(0);
    });

    // The full-text index agrees with the documents table.
    const rw = new Database(dbPath);
    try {
      expect(() => rw.prepare("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')").run()).not.toThrow();
    } finally {
      rw.close();
    }

    // The user's folder is exactly as it was; no temp files anywhere.
    expect(listTree(docs)).toEqual(corpusListing);
    expect(strayTempFiles(docs)).toEqual([]);
    expect(strayTempFiles(dataDir)).toEqual([]);
    console.info(`[crash-safety] seed ${SEED}: ${kills} kills survived (${midIngest} mid-ingest) in ${attempts} runs + 1 final run`);
  });
});
