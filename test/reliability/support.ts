/**
 * Helpers shared by the reliability tests: the CLI as a user runs it (a separate
 * process), read-only looks at a library file, and listings of the folders a run
 * must leave alone.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, existsSync, rmSync, mkdtempSync, readdirSync, readFileSync, lstatSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export const BIN = resolve(__dirname, '../../bin/intake.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  uid?: number;
  gid?: number;
  cwd?: string;
  /** Kill with SIGKILL after this long (a hung CLI must not hang the suite). */
  timeoutMs?: number;
  /** The intake entry to run (default BIN); see binReadableByOthers(). */
  bin?: string;
}

const REPO = resolve(__dirname, '../..');
let othersCopy: string | null = null;

/** True when a user with no rights of ours can reach `file`: every folder above it lets others in. */
function othersCanReach(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

/**
 * The intake entry another user (e.g. "nobody") can run. A clone inside a 0700 folder (mktemp -d)
 * is closed to them, so the app is copied once into a folder they can enter: hard links where
 * the file system allows (fast, no extra space), a plain copy otherwise.
 */
export function binReadableByOthers(): string {
  if (othersCanReach(BIN)) return BIN;
  if (!othersCopy) {
    const dir = mkdtempSync(join(tmpdir(), 'intake-app-copy-'));
    chmodSync(dir, 0o755);
    // The compiled CLI (out/cli) and its build script come along, so the copy runs what the original runs.
    for (const part of ['bin', 'src', 'scripts', 'out', 'node_modules', 'package.json', 'tsconfig.json']) {
      if (!existsSync(join(REPO, part))) continue;
      try {
        execFileSync('cp', ['-al', join(REPO, part), dir]);
      } catch {
        execFileSync('cp', ['-a', join(REPO, part), dir]);
      }
    }
    othersCopy = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return join(othersCopy, 'bin', 'intake.js');
}

/** Starts `intake …` as its own process; resolves with its exit and output. */
export function startCli(args: string[], opts: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  // Another user (e.g. "nobody") runs a copy it can read, from a folder it can enter.
  const asOther = opts.uid !== undefined && opts.uid !== process.getuid?.();
  const spawnOpts: SpawnOptions = {
    env: { ...process.env, INTAKE_DB: '', OPENAI_API_KEY: '', INTAKE_AI_RETRY_BASE_MS: '5', ...opts.env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: opts.cwd ?? (asOther ? tmpdir() : undefined),
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
  };
  const child = spawn(process.execPath, [opts.bin ?? (asOther ? binReadableByOthers() : BIN), ...args], spawnOpts);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  const done = new Promise<CliResult>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

export function cli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** Opens the library read-only (never checkpoints or recovers anything itself). */
export function withDb<T>(dbPath: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    return fn(db);
  } finally {
    db.close();
  }
}

export function tableNames(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts_%' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
}

/** Row counts of every table, and the schema text: "nothing written" compares two of these. */
export function dbSnapshot(dbPath: string): { counts: Record<string, number>; schema: string } {
  return withDb(dbPath, (db) => {
    const counts: Record<string, number> = {};
    for (const t of tableNames(db)) counts[t] = (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
    const schema = (db.prepare('SELECT group_concat(sql, char(10)) AS s FROM sqlite_master').get() as { s: string }).s;
    return { counts, schema };
  });
}

/** Every path under a folder (lstat: links are not followed), relative, sorted. */
export function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      out.push(r);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p, r);
    }
  };
  if (existsSync(root)) walk(root, '');
  return out.sort();
}

/** Leftovers of an interrupted write: *.tmp, *.partial, *~ and the like. */
export function strayTempFiles(root: string): string[] {
  return listTree(root).filter((p) => /(\.tmp|\.temp|\.partial|\.part|~|\.swp)$/i.test(p) || /(^|\/)\.?tmp[-_][^/]*$/i.test(p));
}

/** Direct children of a process (Linux /proc), so a test can see what a killed CLI left running. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch {
      // gone already
    }
  }
  return out;
}

export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export async function waitFor(cond: () => boolean, timeoutMs: number, stepMs = 25): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}

/** A small seeded PRNG (mulberry32): random kill moments that a failing run can replay. */
export { random as prng } from '../support/fixtures';

/** Distinct readable text: every good file of a corpus needs its own hash. */
export function goodLetter(i: number): string {
  return `Letter ${i}\n\nDear customer number ${i},\n\nthank you for your order of ${i % 28 + 1} March 2024. We confirm the delivery of item ${i * 7919} to your address and wish you a pleasant day.\n\nKind regards,\nThe Example Company Ltd\nReference ${i}-${(i * 104729) % 1000003}\n`;
}
