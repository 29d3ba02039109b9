// `intake serve` as a user or a service manager runs it: its own process, the token from the URL it
// prints, a streamed upload and a run through HTTP, then SIGTERM: exit 0, no extractor left behind.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { descendants } from '../../bench/proc';
import { encodeInboxManifest, INBOX_UPLOAD_PATH, INBOX_UPLOAD_TYPE } from '../../src/shared/inbox-upload';
import { INTAKE_BIN } from '../support/cli';
import { makeTextPdf } from '../support/fixtures';
import { letter } from '../support/workspace';
import { isRunning } from '../support/process';

const root = mkdtempSync(join(tmpdir(), 'intake-serve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function until<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value as T;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('intake serve', () => {
  it('prints a URL whose fragment is the token; takes an upload and a run over HTTP; SIGTERM ends it with 0 and no orphan', async () => {
    const docs = join(root, 'docs');
    mkdirSync(docs);
    for (let i = 0; i < 30; i++) writeFileSync(join(docs, `letter-${i}.pdf`), await makeTextPdf([letter(`Served letter ${i}`, `Reference number ${i} for the village hall.`)]));
    const dbPath = join(root, 'lib', 'intake.db');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'INTAKE_DB' && k !== 'OPENAI_API_KEY') env[k] = v;
    const child = spawn(process.execPath, [INTAKE_BIN, 'serve', '--db', dbPath, '--port', '0'], {
      env: { ...env, INTAKE_DATA_DIR: join(root, 'data'), INTAKE_ROOTS: root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    try {
      const url = new URL(await until(() => /running at (\S+)/.exec(stdout)?.[1]));
      expect(url.hash).toMatch(/^#token=[0-9a-f]{64}$/);
      const token = url.hash.slice('#token='.length);
      const invoke = async (channel: string, input: unknown, auth = `Bearer ${token}`) => {
        const res = await fetch(`${url.origin}/api/invoke/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify(input) });
        return { status: res.status, body: (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string } } };
      };
      expect((await invoke('app.info', {}, '')).status).toBe(401);
      expect((await invoke('app.info', {}, 'Bearer not-the-token')).status).toBe(401);
      expect((await invoke('app.info', {})).body).toMatchObject({ ok: true, value: { mode: 'browser' } });

      // A dropped file, streamed through the real server into the inbox beside the library.
      const text = letter('Dropped letter', 'The parish newsletter about the spring market.');
      const upload = await fetch(`${url.origin}${INBOX_UPLOAD_PATH}`, {
        method: 'POST',
        headers: { 'content-type': INBOX_UPLOAD_TYPE, authorization: `Bearer ${token}` },
        body: new Blob([encodeInboxManifest([{ relativePath: 'dropped.txt', size: Buffer.byteLength(text) }]), text]),
      });
      const uploaded = (await upload.json()) as { ok: boolean; value: { folder: string } };
      expect(uploaded).toMatchObject({ ok: true, value: { files: 1 } });
      expect(uploaded.value.folder.startsWith(join(root, 'lib', 'inbox'))).toBe(true);
      expect(readdirSync(uploaded.value.folder)).toEqual(['dropped.txt']);

      // A run with PDFs: extraction children appear under the server.
      expect((await invoke('ingest.start', { paths: [uploaded.value.folder, docs], ocr: false })).body).toMatchObject({ ok: true });
      const isExtractor = (pid: number): boolean => {
        try {
          return /extract[/\\]worker\.ts|extract-worker/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
        } catch {
          return false;
        }
      };
      const children = await until(() => {
        const pids = descendants(child.pid!);
        return pids.some(isExtractor) ? pids : null;
      });
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      await until(() => children.every((pid) => !isRunning(pid)));
      expect(children.filter(isRunning)).toEqual([]);
      // The run is closed in the library (interrupted, or completed if it was that quick).
      const db = new Database(dbPath, { readonly: true });
      try {
        const runs = db.prepare('SELECT status FROM runs').all() as { status: string }[];
        expect(runs).toHaveLength(1);
        expect(['interrupted', 'completed']).toContain(runs[0].status);
      } finally {
        db.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      if (stderr.includes('Error')) console.error(stderr);
    }
  });
});
