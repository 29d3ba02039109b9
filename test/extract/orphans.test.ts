import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARENT_PID_ENV, PARENT_START_ENV } from '../../src/main/extract/protocol';
import * as fx from '../support/fixtures';
import { isRunning } from '../support/process';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const parentWatch = pathToFileURL(join(here, '../../src/main/extract/parent-watch-preload.mjs')).href;

let dir: string;
let bigScan: string;
const started: ChildProcess[] = [];
const leftovers: number[] = [];

async function goneWithin(pids: number[], ms: number): Promise<number> {
  const t0 = Date.now();
  while (pids.some(isRunning)) {
    if (Date.now() - t0 > ms) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - t0;
}

function firstLine(cp: ChildProcess, ms = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no output in time; stderr: ${err}`)), ms);
    cp.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    cp.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    cp.on('exit', (code) => reject(new Error(`exited (${code}) before printing; stderr: ${err}`)));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'intake-orphans-'));
  // A full A4 page of text at 300 dpi: several seconds of OCR, so the kill lands mid-job.
  bigScan = join(dir, 'page.png');
  writeFileSync(bigScan, fx.makeTextPng('The quarterly invoice from Acme Corporation totals four hundred dollars payable within thirty days '.repeat(25), { width: 2480, height: 3508 }));
});

afterAll(() => {
  for (const cp of started) if (cp.exitCode === null && cp.signalCode === null) cp.kill('SIGKILL');
  for (const pid of leftovers.filter(isRunning)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('extractor children do not outlive their parent', () => {
  it('a parent killed with SIGKILL mid-OCR takes its extraction child with it within ~2 s', async () => {
    const parent = spawn(process.execPath, [join(here, 'orphan-parent.mjs'), bigScan, join(dir, 'ocr-cache'), '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(parent);
    const { pids } = JSON.parse(await firstLine(parent)) as { pids: number[] };
    expect(pids.length).toBe(1);
    leftovers.push(...pids);
    expect(pids.every(isRunning)).toBe(true);
    parent.kill('SIGKILL');
    await goneWithin(pids, 120_000);
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it('without an IPC channel (no "disconnect", as under Electron), the child still ends when the parent pid dies', async () => {
    // Stand-in parent: a sleeping process whose pid the child is told, as the pool does.
    const fakeParent = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    started.push(fakeParent);
    // The child says "ready" once its imports (the parent watch among them) have run.
    const child = spawn(process.execPath, ['--import', tsx, '--import', parentWatch, '-e', 'process.stdout.write("ready\\n"); setInterval(() => {}, 1000)'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, [PARENT_PID_ENV]: String(fakeParent.pid) },
    });
    started.push(child);
    leftovers.push(child.pid!);
    expect(await firstLine(child)).toBe('ready');
    expect(isRunning(child.pid!)).toBe(true);
    fakeParent.kill('SIGKILL');
    await goneWithin([child.pid!], 120_000);
    expect(isRunning(child.pid!)).toBe(false);
  });

  it('a parent pid now held by a different process (another start token) counts as gone: the child ends', async () => {
    const stranger = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    started.push(stranger);
    const child = spawn(process.execPath, ['--import', tsx, '--import', parentWatch, '-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
      env: { ...process.env, [PARENT_PID_ENV]: String(stranger.pid), [PARENT_START_ENV]: 'an-earlier-boot/1' },
    });
    started.push(child);
    leftovers.push(child.pid!);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(stranger.exitCode).toBeNull();
  });
});
