/**
 * Per-test isolation: a temp folder with the corpus, its own data dir and library, and its own
 * browser-mode server (a child process running src/main/web/main.ts under tsx, as `intake serve`
 * does). The page arrives through the printed URL, whose fragment carries the token, like a user's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { writeCorpus, type Corpus } from './corpus';

export const repoRoot = path.resolve(import.meta.dirname, '..');

export interface Workspace {
  root: string;
  docs: string;
  dataDir: string;
  dbPath: string;
}

export interface IntakeServer {
  url: string;
  origin: string;
  token: string;
  /** Calls a channel the way the renderer does, with the Bearer token. */
  invoke<T = unknown>(channel: string, input?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export function makeWorkspace(prefix = 'intake-e2e-'): Workspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const docs = path.join(root, 'docs');
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(docs, { recursive: true });
  return { root, docs, dataDir, dbPath: path.join(dataDir, 'intake.db') };
}

export async function startBrowserMode(ws: Workspace): Promise<IntakeServer> {
  const tsx = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const entry = path.join(repoRoot, 'src', 'main', 'web', 'main.ts');
  const env = { ...process.env };
  delete env.INTAKE_DB;
  delete env.INTAKE_DATA_DIR;
  const child = spawn(process.execPath, [tsx, entry, '--port', '0', '--data-dir', ws.dataDir, '--db', ws.dbPath], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Intake is running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${code}:\n${output}`));
    });
  });
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  return {
    url,
    origin: parsed.origin,
    token,
    async invoke<T>(channel: string, input: unknown = {}): Promise<T> {
      const res = await fetch(`${parsed.origin}/api/invoke/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(input),
      });
      const envelope = (await res.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
      if (!envelope.ok) throw new Error(`${channel}: ${envelope.error?.code} ${envelope.error?.message}`);
      return envelope.value as T;
    },
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

type Fixtures = {
  workspace: Workspace;
  corpus: Corpus;
  server: IntakeServer;
  /** The app open in the page through the printed URL (token in the fragment, then cleared). */
  appPage: Page;
};

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  workspace: async ({}, use) => {
    const ws = makeWorkspace();
    await use(ws);
    fs.rmSync(ws.root, { recursive: true, force: true });
  },
  corpus: async ({ workspace, browser }, use) => {
    await use(await writeCorpus(workspace.docs, browser));
  },
  server: async ({ workspace }, use) => {
    const server = await startBrowserMode(workspace);
    // Start from the state the journey needs: OCR off, so the scan fails for want of it.
    await server.invoke('settings.set', { ocr: false });
    await use(server);
    await server.stop();
  },
  appPage: async ({ page, server }, use) => {
    await page.goto(server.url);
    await expect(page).toHaveURL(`${server.origin}/`);
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await use(page);
  },
});

export { expect };
