/**
 * A run whose process is gone never stays "running", and a live one is never
 * called dead: kill -9 (with the zombie window), pids reused by unrelated
 * processes, rows from another machine, two live writers, clocks that jump.
 * Heartbeats run on injected clocks: no sleeps, nothing timed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AiProvider } from '../../src/main/ai/types';
import { openDatabase } from '../../src/main/db/connection';
import type { LivenessOptions } from '../../src/main/engine/liveness';
import { processState, selfIdentity, type ProcessIdentity } from '../../src/main/extract/process-state';
import { DEFAULT_AI } from '../../src/shared/limits';
import { startAiServer, type AiServer } from '../support/ai-server';
import { Workspace, letter } from '../support/workspace';
import { unlessAborted, withClassify } from '../support/ai-provider';
import { BIN, waitFor, withDb } from './support';

let ws: Workspace;
const procs: ChildProcess[] = [];

beforeEach(() => {
  ws = new Workspace('intake-liveness-');
});

afterEach(async () => {
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await ws.close();
});

/** A wall clock and a monotonic clock the test moves by hand. */
function clocks(startWall = Date.now()) {
  let wall = startWall;
  let mono = 0;
  return {
    now: () => wall,
    monotonic: () => mono,
    advance(ms: number) {
      wall += ms;
      mono += ms;
    },
    jumpWall(ms: number) {
      wall += ms;
    },
  };
}

const FAST = { heartbeatMs: 1000, staleAfterMs: 5000, timer: false } satisfies LivenessOptions;

/** The local provider, except that classify waits until the test opens the gate (or the run is cancelled). */
function gatedProvider(): { provider: (s: typeof DEFAULT_AI) => AiProvider; open: () => void; entered: () => number } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered = 0;
  return {
    open: () => release(),
    entered: () => entered,
    provider: withClassify(async (text, o, inner) => {
      entered++;
      await unlessAborted(o, gate);
      return inner.classify(text, o);
    }),
  };
}

function runRow(id: number) {
  return withDb(ws.dbPath, (db) => db.prepare('SELECT status, host, pid, process_start, heartbeat_at, lost_at, finished_at, message FROM runs WHERE id = ?').get(id)) as {
    status: string;
    host: string | null;
    pid: number | null;
    process_start: string | null;
    heartbeat_at: number | null;
    lost_at: number | null;
    finished_at: number | null;
    message: string | null;
  };
}

/** A `running` row written as another process would have left it. */
function insertRunning(fields: { host: string | null; pid: number | null; processStart: string | null; heartbeatAt: number | null; startedAt?: number; status?: 'running' | 'paused' }): number {
  const db = openDatabase(ws.dbPath);
  try {
    return Number(
      db
        .prepare("INSERT INTO runs (started_at, status, roots, options, pid, host, process_start, heartbeat_at) VALUES (?, ?, '[]', '{}', ?, ?, ?, ?)")
        .run(fields.startedAt ?? Date.now() - 60_000, fields.status ?? 'running', fields.pid, fields.host, fields.processStart, fields.heartbeatAt).lastInsertRowid,
    );
  } finally {
    db.close();
  }
}

function spawnSleeper(): ChildProcess {
  const p = spawn('sleep', ['600'], { stdio: 'ignore' });
  procs.push(p);
  return p;
}

describe('a run killed with kill -9', () => {
  let ai: AiServer;
  beforeEach(async () => {
    ai = await startAiServer();
  });
  afterEach(async () => {
    await ai.close();
  });

  it('is interrupted at the next start even while its process is an unreaped zombie, as of its last heartbeat', async () => {
    for (let i = 0; i < 5; i++) ws.write(`z${i}.txt`, letter(`Zombie letter ${i}`));
    ai.script((kind) => (kind === 'chat' ? 'hang' : undefined)); // the run holds its files in classify until killed
    // The CLI runs as the child of a shell that then becomes `sleep`, which never reaps it:
    // once killed, the CLI stays a zombie (state Z) for as long as the test wants.
    const shell = spawn(
      'sh',
      ['-c', '"$@" & echo $!; exec sleep 600', 'sh', process.execPath, BIN, 'ingest', ws.docs, '--db', ws.dbPath, '--ai', 'openai', '--ai-base-url', ai.url, '--no-ocr', '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INTAKE_DB: '', OPENAI_API_KEY: '', INTAKE_DATA_DIR: ws.dataDir } },
    );
    procs.push(shell);
    const cliPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      shell.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
      });
      shell.on('exit', (code) => reject(new Error(`shell exited ${code}`)));
    });
    expect(await waitFor(() => ai.calls.chat >= 1, 60_000, 20), 'the run reached classify').toBe(true);
    const id = withDb(ws.dbPath, (db) => (db.prepare("SELECT id FROM runs WHERE status = 'running'").get() as { id: number }).id);
    const before = runRow(id);
    expect(before).toMatchObject({ status: 'running', host: selfIdentity().host, pid: cliPid });
    expect(before.process_start).toBe(processState(cliPid).state === 'alive' ? (processState(cliPid) as { start: string | null }).start : 'gone');

    process.kill(cliPid, 'SIGKILL');
    expect(await waitFor(() => zombie(cliPid), 10_000, 10), 'the killed CLI is a zombie').toBe(true);
    // signal 0 still answers for a zombie: what the old pid check trusted.
    expect(() => process.kill(cliPid, 0)).not.toThrow();

    const engine = ws.engine({ liveness: FAST });
    const after = runRow(id);
    expect(after.status).toBe('interrupted');
    expect(after.lost_at).toBe(before.heartbeat_at);
    expect(after.message).toMatch(/stopped before it finished/);
    expect(ws.library(engine).runs.get(id)).toMatchObject({ status: 'interrupted', lostAt: before.heartbeat_at });
    expect(zombie(cliPid), 'still a zombie when it was judged').toBe(true);
  }, 90_000);

  it('a CLI run beside a live app is left alone by the app, however often it looks', async () => {
    for (let i = 0; i < 3; i++) ws.write(`l${i}.txt`, letter(`Live letter ${i}`));
    ai.script((kind) => (kind === 'chat' ? 'hang' : undefined));
    const cli = spawn(process.execPath, [BIN, 'ingest', ws.docs, '--db', ws.dbPath, '--ai', 'openai', '--ai-base-url', ai.url, '--no-ocr'], {
      stdio: 'ignore',
      env: { ...process.env, INTAKE_DB: '', OPENAI_API_KEY: '', INTAKE_DATA_DIR: ws.dataDir },
    });
    procs.push(cli);
    expect(await waitFor(() => ai.calls.chat >= 1, 60_000, 20)).toBe(true);
    const id = withDb(ws.dbPath, (db) => (db.prepare("SELECT id FROM runs WHERE status = 'running'").get() as { id: number }).id);
    const c = clocks();
    // The app's clock runs far ahead of the CLI's heartbeats: the real pid and start token still vouch for it.
    const engine = ws.engine({ liveness: { ...FAST, now: () => c.now() + 3_600_000, monotonic: c.monotonic } });
    for (let i = 0; i < 3; i++) {
      engine.heartbeat();
      c.advance(1000);
    }
    expect(runRow(id).status).toBe('running');
    cli.kill('SIGKILL');
    await new Promise((r) => cli.once('exit', r));
    engine.heartbeat();
    expect(runRow(id).status).toBe('interrupted');
  }, 90_000);
});

function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

describe('rows whose pid says nothing', () => {
  it('a row whose pid now belongs to an unrelated live process is interrupted', () => {
    const sleeper = spawnSleeper();
    const id = insertRunning({ host: selfIdentity().host, pid: sleeper.pid!, processStart: 'another-boot/12345', heartbeatAt: Date.now() });
    ws.engine({ liveness: FAST });
    expect(runRow(id)).toMatchObject({ status: 'interrupted' });
  });

  it('a run paused when its process went away is interrupted too (paused is as live as running)', () => {
    const sleeper = spawnSleeper();
    const id = insertRunning({ host: selfIdentity().host, pid: sleeper.pid!, processStart: 'another-boot/12345', heartbeatAt: Date.now(), status: 'paused' });
    ws.engine({ liveness: FAST });
    expect(runRow(id)).toMatchObject({ status: 'interrupted' });
  });

  it('a row from before heartbeats whose pid is now this very process is interrupted (the new run reused it)', () => {
    const id = insertRunning({ host: null, pid: process.pid, processStart: null, heartbeatAt: null });
    ws.engine({ liveness: FAST });
    expect(runRow(id).status).toBe('interrupted');
  });

  it('a live, verified owner whose heartbeat stands still for a few intervals is interrupted whatever its pid', () => {
    const sleeper = spawnSleeper();
    const state = processState(sleeper.pid!);
    expect(state.state).toBe('alive');
    const c = clocks();
    const beat = c.now();
    const id = insertRunning({ host: selfIdentity().host, pid: sleeper.pid!, processStart: state.state === 'alive' ? state.start : null, heartbeatAt: beat });
    const engine = ws.engine({ liveness: { ...FAST, now: c.now, monotonic: c.monotonic } });
    c.advance(4000);
    engine.heartbeat();
    expect(runRow(id).status, 'within the staleness limit').toBe('running');
    c.advance(1000);
    engine.heartbeat();
    expect(runRow(id)).toMatchObject({ status: 'interrupted', lost_at: beat });
    expect(sleeper.exitCode, 'the unrelated process is not touched').toBeNull();
  });

  it('a row from another host is judged by its heartbeat only: a local pid with that number means nothing', () => {
    const c = clocks();
    const fresh = insertRunning({ host: 'nas-box', pid: process.pid, processStart: 'nas-boot/1', heartbeatAt: c.now() });
    const old = insertRunning({ host: 'nas-box', pid: 1, processStart: 'nas-boot/2', heartbeatAt: c.now() - 60_000 });
    const engine = ws.engine({ liveness: { ...FAST, now: c.now, monotonic: c.monotonic } });
    expect(runRow(old)).toMatchObject({ status: 'interrupted', lost_at: c.now() - 60_000 });
    expect(runRow(fresh).status).toBe('running');
    // The other machine keeps beating: alive.
    const db = openDatabase(ws.dbPath);
    try {
      for (let i = 0; i < 10; i++) {
        c.advance(1000);
        db.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?').run(c.now(), fresh);
        engine.heartbeat();
      }
      expect(runRow(fresh).status).toBe('running');
      // It stops beating (the machine went away): after the staleness limit, interrupted as of its last beat.
      const last = c.now();
      c.advance(4000);
      engine.heartbeat();
      expect(runRow(fresh).status).toBe('running');
      c.advance(1000);
      engine.heartbeat();
      expect(runRow(fresh)).toMatchObject({ status: 'interrupted', lost_at: last });
    } finally {
      db.close();
    }
  });
});

describe('two live writers', () => {
  const hostA: ProcessIdentity = { host: 'host-a', pid: 4242, start: 'a-boot/1' };
  const hostB: ProcessIdentity = { host: 'host-b', pid: 4343, start: 'b-boot/1' };

  async function twoEngines(clockA: ReturnType<typeof clocks>, clockB: ReturnType<typeof clocks>, wallB: () => number = clockB.now) {
    for (let i = 0; i < 2; i++) ws.write(`a/${i}.txt`, letter(`Writer A letter ${i}`));
    for (let i = 0; i < 2; i++) ws.write(`b/${i}.txt`, letter(`Writer B letter ${i}`));
    const gA = gatedProvider();
    const gB = gatedProvider();
    const a = ws.engine({ createProvider: gA.provider, liveness: { ...FAST, identity: hostA, now: clockA.now, monotonic: clockA.monotonic } });
    const runA = a.startRun(ws.options({ paths: [`${ws.docs}/a`], ocr: false }));
    await waitFor(() => gA.entered() > 0, 30_000, 5);
    const b = ws.engine({ createProvider: gB.provider, liveness: { ...FAST, identity: hostB, now: wallB, monotonic: clockB.monotonic } });
    const runB = b.startRun(ws.options({ paths: [`${ws.docs}/b`], ocr: false }));
    await waitFor(() => gB.entered() > 0, 30_000, 5);
    return { a, b, runA, runB, gA, gB };
  }

  it('neither marks the other interrupted, over many heartbeat intervals, and both finish', async () => {
    const cA = clocks();
    const cB = clocks();
    const { a, b, runA, runB, gA, gB } = await twoEngines(cA, cB);
    for (let i = 0; i < 30; i++) {
      cA.advance(1000);
      cB.advance(1000);
      a.heartbeat();
      b.heartbeat();
      expect([runRow(runA.id).status, runRow(runB.id).status]).toEqual(['running', 'running']);
    }
    gA.open();
    gB.open();
    expect((await runA.finished).status).toBe('completed');
    expect((await runB.finished).status).toBe('completed');
    expect([runRow(runA.id).status, runRow(runB.id).status]).toEqual(['completed', 'completed']);
  }, 60_000);

  it('a clock that jumps an hour ahead misjudges a live writer at most once: it takes its run back at its next beat and is left alone after', async () => {
    const cA = clocks();
    const cB = clocks();
    let jump = 0;
    const { a, b, runA, runB, gA, gB } = await twoEngines(cA, cB, () => cB.now() + jump);
    a.heartbeat();
    b.heartbeat();
    jump = 3_600_000; // B's wall clock leaps forward (NTP, a suspended laptop)
    const fresh = ws.engine({ liveness: { ...FAST, identity: { host: 'host-c', pid: 4444, start: 'c-boot/1' }, now: () => cB.now() + jump, monotonic: cB.monotonic } });
    expect(runRow(runA.id).status, 'a fresh start with a wrong clock sees an hour-old heartbeat').toBe('interrupted');
    a.heartbeat();
    expect(runRow(runA.id)).toMatchObject({ status: 'running', lost_at: null, finished_at: null });
    for (let i = 0; i < 20; i++) {
      cA.advance(1000);
      cB.advance(1000);
      a.heartbeat();
      b.heartbeat();
      fresh.heartbeat();
      expect([runRow(runA.id).status, runRow(runB.id).status]).toEqual(['running', 'running']);
    }
    // A's own clock jumps back an hour: its heartbeats still move forward, so nobody calls it dead.
    cA.jumpWall(-3_600_000);
    for (let i = 0; i < 20; i++) {
      cA.advance(1000);
      cB.advance(1000);
      a.heartbeat();
      b.heartbeat();
      fresh.heartbeat();
      expect(runRow(runA.id).status).toBe('running');
    }
    gA.open();
    gB.open();
    expect((await runA.finished).status).toBe('completed');
    expect((await runB.finished).status).toBe('completed');
  }, 60_000);
});
