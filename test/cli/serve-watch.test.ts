// `intake serve` honours the watched-folder list (issue 14): a folder added with `intake watch add`
// is caught up when the server starts and watched while it runs; stopped and started again, the
// server resumes the persisted list and takes what arrived meanwhile. Real processes, real files,
// OS events on (the server's defaults), the library read from outside.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { INTAKE_BIN, runCli } from '../support/cli';
import { letter } from '../support/workspace';

const root = mkdtempSync(join(tmpdir(), 'intake-serve-watch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function until<T>(probe: () => T | null | undefined | false, what: string, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value as T;
    if (Date.now() > end) throw new Error(`${what}: not in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'INTAKE_DB' && k !== 'OPENAI_API_KEY') env[k] = v;
Object.assign(env, { INTAKE_DATA_DIR: join(root, 'data'), INTAKE_ROOTS: root });

/** `intake serve` in its own process, until stop() (SIGTERM: exit 0). */
function serve(dbPath: string) {
  const child = spawn(process.execPath, [INTAKE_BIN, 'serve', '--db', dbPath, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** The documents' file names and the watched folder's counts, read from outside the server. */
function library(dbPath: string): { docs: string[]; folder: { state: string; ingested: number } | undefined; watchRuns: number } {
  const db = new Database(dbPath, { readonly: true });
  try {
    db.pragma('busy_timeout = 10000');
    return {
      docs: (db.prepare('SELECT filename FROM documents ORDER BY filename').pluck().all() as string[]),
      folder: db.prepare('SELECT state, ingested FROM watched_folders').get() as { state: string; ingested: number } | undefined,
      watchRuns: db.prepare("SELECT count(*) FROM runs WHERE json_extract(options, '$.watch') = 1").pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

describe('intake serve and the watched-folder list', () => {
  it('catches up on start, takes files as they arrive, and after a restart resumes the list and takes what came meanwhile', async () => {
    const inbox = join(root, 'scanner');
    mkdirSync(inbox);
    const dbPath = join(root, 'lib', 'intake.db');
    const added = await runCli(['watch', 'add', inbox, '--db', dbPath], env);
    expect(added.code).toBe(0);
    writeFileSync(join(inbox, 'before-start.txt'), letter('Scanned before the server started'));

    let server = serve(dbPath);
    try {
      await until(() => library(dbPath).docs.includes('before-start.txt'), 'caught up on start');
      writeFileSync(join(inbox, 'while-serving.txt'), letter('Scanned while the server ran'));
      await until(() => library(dbPath).docs.includes('while-serving.txt'), 'taken while serving');
      expect(await server.stop()).toBe(0);

      writeFileSync(join(inbox, 'while-stopped.txt'), letter('Scanned while the server was stopped'));
      server = serve(dbPath);
      await until(() => library(dbPath).docs.includes('while-stopped.txt'), 'taken after the restart');
      const lib = await until(() => {
        const l = library(dbPath);
        return l.folder?.ingested === 3 && l.folder.state === 'watching' ? l : null;
      }, 'counted');
      expect(lib.docs).toEqual(['before-start.txt', 'while-serving.txt', 'while-stopped.txt']);
      expect(lib.watchRuns).toBeGreaterThanOrEqual(3);
      expect(await server.stop()).toBe(0);
    } finally {
      await server.kill();
    }
  }, 300_000);
});
