import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { FileKind } from '../../shared/domain';
import { IntakeError, type SerializedIntakeError } from '../../shared/errors';
import { PARENT_PID_ENV, PARENT_START_ENV, type ChildConfig, type DebugOp, type ExtractOp, type ExtractReply, type ExtractRequest } from './protocol';
import { selfIdentity } from './process-state';
import type { ExtractResult, PdfPageLayer } from './types';

/**
 * The part of a child process the pool uses. Node's ChildProcess fits through
 * `nodeChild()`; Electron's utilityProcess fits with `send = postMessage`.
 */
export interface ChildLike {
  readonly pid?: number;
  send(msg: ExtractRequest): void;
  /** Ends the process at once (SIGKILL where there are signals). */
  kill(): void;
  onMessage(fn: (msg: ExtractReply) => void): void;
  onExit(fn: (code: number | null, signal: string | null) => void): void;
  /** Read to tell "out of memory" from other deaths. */
  stderr?: NodeJS.ReadableStream | null;
}

export interface SpawnArgs {
  /** Arguments after the entry (the JSON ChildConfig). */
  args: string[];
  /** Node flags: the heap limit, and `--import tsx` when the entry is TypeScript. */
  execArgv: string[];
  env: NodeJS.ProcessEnv;
}

export type SpawnChild = (entry: string, opts: SpawnArgs) => ChildLike;

/** Default spawn: `child_process.fork`, stderr piped, no stdin. */
export const forkChild: SpawnChild = (entry, { args, execArgv, env }) => {
  // detached: its own process group, so a Ctrl-C in the terminal reaches only the parent, which
  // decides how to stop; the child still exits when the parent goes away (parent-watch.ts).
  const cp = fork(entry, args, { execArgv, env, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'advanced', detached: true });
  // Sending to a dead child reports through 'error'; the exit handler does the bookkeeping.
  cp.on('error', () => undefined);
  return {
    get pid() {
      return cp.pid;
    },
    send: (msg) => {
      if (cp.connected) cp.send(msg, (err) => void err);
    },
    kill: () => {
      if (cp.exitCode === null && cp.signalCode === null) cp.kill('SIGKILL');
    },
    onMessage: (fn) => cp.on('message', (m) => fn(m as ExtractReply)),
    onExit: (fn) => cp.on('exit', (code, signal) => fn(code, signal)),
    stderr: cp.stderr,
  };
};

export interface PoolOptions {
  entry: string;
  execArgv: string[];
  config: ChildConfig;
  /** Extractor processes. */
  children: number;
  /** OCR jobs a child runs at once (its tesseract threads). */
  maxHeavyPerChild: number;
  /** Text/PDF/DOCX jobs a child may run at once beside its OCR job. */
  maxLightPerChild: number;
  /** Requests a child serves before it is replaced (caps leaks and fragmentation). */
  recycleAfter: number;
  /** A child whose resident memory passes this is replaced once idle (pdf.js and V8 keep what they grew to). */
  recycleRssMb: number;
  /**
   * A child with no job for this long is ended, and the next job starts a fresh one: a process that has read
   * scans keeps its tesseract threads' heaps (≈ 300 MB in all) while the app sits idle or a run reads only
   * plain text. 0: never.
   */
  idleMs: number;
  /** Per-file OCR limit; the child stops at it, the parent kills the child `ocrGraceMs` later. */
  ocrTimeoutMs: number;
  ocrGraceMs: number;
  /**
   * Limit for text-layer, DOCX and text extraction without progress: a child that
   * reports a page read gets the limit again, up to `textProgressFactor` times in all.
   */
  textTimeoutMs: number;
  textProgressFactor: number;
  /**
   * Real memory (resident set) a child may use before it is killed and its file recorded as
   * `extractor_oom`. The V8 heap limit does not see pdf.js canvases or tesseract's WASM memory.
   */
  rssLimitMb: number;
  /** How often the children's resident size is read (Linux /proc). */
  rssPollMs: number;
  spawn: SpawnChild;
}

interface Job {
  id: number;
  op: ExtractOp | DebugOp;
  path: string;
  kind: FileKind;
  timeoutMs: number;
  layers?: PdfPageLayer[];
  resolve: (r: ExtractResult) => void;
  reject: (e: IntakeError) => void;
  settled: boolean;
  /** In flight when its process died beside other jobs: runs alone next time to find the culprit. */
  suspect: boolean;
  /** Already tried again after its process died of a native fault (SIGSEGV/SIGBUS). */
  retriedAfterFault?: boolean;
  timer?: NodeJS.Timeout;
  /** Epoch ms after which progress no longer renews the limit. */
  hardDeadline?: number;
  /** OCR: ms of its limit left when its clock last stopped, and since when it runs again (unset while it waits for a thread). */
  left?: number;
  runningSince?: number;
  child?: Child;
}

interface Child {
  proc: ChildLike;
  ready: boolean;
  inFlight: Map<number, Job>;
  served: number;
  draining: boolean;
  /** Why we killed it, when we did. */
  killedFor: 'timeout' | 'recycle' | 'close' | 'memory' | null;
  /** Peak resident size seen by the watchdog, MB. */
  peakRssMb: number;
  stderrTail: string;
  exited: Promise<void>;
  /** Ends the child once it has had no job for `idleMs`; cleared by the next dispatch. */
  idleTimer?: NodeJS.Timeout;
}

const STDERR_TAIL = 8192;

/** Text-layer jobs (and the test job that stands for one): light, limited by time without progress. */
function isTextOp(op: ExtractOp | DebugOp): boolean {
  return op === 'extractText' || op === 'debug_progress';
}
const OOM_PATTERN = /heap out of memory|Reached heap limit|Allocation failed|Aborted\(OOM\)|Cannot enlarge memory/i;

/**
 * Runs extraction jobs in child processes: request ids, settle-once replies,
 * hard timeouts (kill and restart), crash and out-of-memory attribution, and
 * recycling. A job that was in flight when its child died alongside others is
 * retried alone, so only the file that kills a child is failed for it.
 */
export class ExtractorPool {
  private readonly slots: (Child | null)[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private startFailures = 0;

  private watchdog: NodeJS.Timeout | null = null;

  constructor(private readonly opts: PoolOptions) {
    this.slots = Array.from({ length: Math.max(1, opts.children) }, () => null);
  }

  /** Reads each busy child's resident size; a child over the limit is killed and the job blamed. */
  private watchMemory(): void {
    if (this.watchdog || process.platform !== 'linux') return;
    this.watchdog = setInterval(() => {
      let busy = false;
      for (const c of this.slots) {
        if (!c || c.killedFor || c.proc.pid === undefined) continue;
        if (c.inFlight.size) busy = true;
        const mb = residentMb(c.proc.pid);
        if (mb === null) continue;
        c.peakRssMb = Math.max(c.peakRssMb, mb);
        if (mb > this.opts.rssLimitMb) this.onMemoryExceeded(c, mb);
      }
      // Nothing to watch: stop polling until the next dispatch.
      if (!busy && this.watchdog) {
        clearInterval(this.watchdog);
        this.watchdog = null;
      }
    }, this.opts.rssPollMs);
    this.watchdog.unref?.();
  }

  private onMemoryExceeded(child: Child, mb: number): void {
    const jobs = [...child.inFlight.values()];
    child.inFlight.clear();
    for (const job of jobs) {
      // Alone (or already isolated), the job is to blame; beside others it is retried alone.
      if (job.suspect || jobs.length === 1) this.settle(job, memoryError(mb, this.opts.rssLimitMb));
      else this.requeueSuspect(job);
    }
    void this.killChild(child, 'memory');
    this.pump();
  }

  run(op: ExtractOp | DebugOp, path: string, kind: FileKind, timeoutMs?: number, layers?: PdfPageLayer[]): Promise<ExtractResult> {
    if (this.closed) return Promise.reject(new IntakeError('unknown', 'extractor is closed'));
    const heavy = !isTextOp(op);
    return new Promise<ExtractResult>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        op,
        path,
        kind,
        timeoutMs: timeoutMs ?? (heavy ? this.opts.ocrTimeoutMs : this.opts.textTimeoutMs),
        layers,
        resolve,
        reject,
        settled: false,
        suspect: false,
      });
      this.pump();
    });
  }

  /** Process ids of the running children (for tests and diagnostics). */
  pids(): number[] {
    return this.slots.flatMap((c) => (c?.proc.pid !== undefined && !c.killedFor ? [c.proc.pid] : []));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    for (const job of this.queue.splice(0)) this.settle(job, new IntakeError('unknown', 'extractor is closed'));
    const exits: Promise<void>[] = [];
    for (const c of this.slots) {
      if (!c) continue;
      for (const job of c.inFlight.values()) this.settle(job, new IntakeError('unknown', 'extractor is closed'));
      exits.push(this.killChild(c, 'close'));
    }
    await Promise.all(exits);
  }

  private pump(): void {
    if (this.closed) return;
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i];
      const child = this.placeFor(job);
      if (!child) {
        // Suspects wait at the head for an idle child; letting others pass would starve them.
        if (job.suspect) break;
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.dispatch(child, job);
    }
  }

  /** A child that may take `job` now, spawning one into a free slot if needed. */
  private placeFor(job: Job): Child | null {
    const heavy = !isTextOp(job.op);
    let best: Child | null = null;
    let freeSlot = -1;
    for (let s = 0; s < this.slots.length; s++) {
      const c = this.slots[s];
      if (!c) {
        if (freeSlot < 0) freeSlot = s;
        continue;
      }
      if (c.draining || c.killedFor) continue;
      const jobs = [...c.inFlight.values()];
      if (jobs.some((j) => j.suspect)) continue;
      if (job.suspect && jobs.length) continue;
      if (heavy && jobs.filter((j) => !isTextOp(j.op)).length >= this.opts.maxHeavyPerChild) continue;
      if (!heavy && jobs.filter((j) => isTextOp(j.op)).length >= this.opts.maxLightPerChild) continue;
      if (!best || c.inFlight.size < best.inFlight.size) best = c;
    }
    // Prefer an idle new child over sharing a busy one.
    if (freeSlot >= 0 && (!best || best.inFlight.size > 0)) return this.spawn(freeSlot);
    return best;
  }

  private spawn(slot: number): Child {
    const proc = this.opts.spawn(this.opts.entry, {
      args: [JSON.stringify(this.opts.config)],
      execArgv: this.opts.execArgv,
      env: childEnv(),
    });
    let onExited!: () => void;
    const child: Child = {
      proc,
      ready: false,
      inFlight: new Map(),
      served: 0,
      draining: false,
      killedFor: null,
      peakRssMb: 0,
      stderrTail: '',
      exited: new Promise((r) => (onExited = r)),
    };
    this.slots[slot] = child;
    proc.stderr?.on('data', (chunk: Buffer | string) => {
      if (process.env.INTAKE_EXTRACT_STDERR) process.stderr.write(chunk);
      child.stderrTail = (child.stderrTail + chunk.toString()).slice(-STDERR_TAIL);
    });
    proc.onMessage((msg) => this.onReply(child, msg));
    proc.onExit((code, signal) => {
      onExited();
      this.onExit(slot, child, code, signal);
    });
    return child;
  }

  private dispatch(child: Child, job: Job): void {
    clearTimeout(child.idleTimer);
    job.child = child;
    child.inFlight.set(job.id, job);
    this.watchMemory();
    if (child.ready) this.send(child, job);
  }

  private send(child: Child, job: Job): void {
    child.proc.send({ id: job.id, op: job.op, path: job.path, kind: job.kind, timeoutMs: job.timeoutMs, ...(job.layers ? { layers: job.layers } : {}) });
    job.hardDeadline = Date.now() + job.timeoutMs * this.opts.textProgressFactor;
    if (isTextOp(job.op)) {
      this.arm(child, job, job.timeoutMs);
      return;
    }
    // OCR stops itself when its time is up; the kill is the backstop for a stuck process. Both clocks pause while the
    // file waits for a tesseract thread (onWait).
    job.left = job.timeoutMs;
    job.runningSince = Date.now();
    this.arm(child, job, job.timeoutMs + this.opts.ocrGraceMs);
  }

  private arm(child: Child, job: Job, ms: number): void {
    clearTimeout(job.timer);
    job.timer = setTimeout(() => this.onTimeout(child, job), Math.max(0, ms));
    job.timer.unref?.();
  }

  /**
   * An OCR file waits for (or got) a tesseract thread in its process: its time stops (or runs on). A
   * wait is still bounded — it lasts at most until another file's time is up — so a process that
   * stops answering while a file waits is killed all the same.
   */
  private onWait(child: Child, job: Job, waiting: boolean): void {
    if (job.settled || isTextOp(job.op) || job.left === undefined) return;
    const now = Date.now();
    if (waiting && job.runningSince !== undefined) {
      job.left -= now - job.runningSince;
      job.runningSince = undefined;
      this.arm(child, job, job.timeoutMs + this.opts.ocrGraceMs);
    } else if (!waiting && job.runningSince === undefined) {
      job.runningSince = now;
      this.arm(child, job, job.left + this.opts.ocrGraceMs);
    }
  }

  /** A text job that is still reading pages is slow, not stuck: its limit starts again. */
  private renew(child: Child, job: Job): void {
    // OCR keeps its own deadline inside the child; only text jobs are renewed.
    if (!isTextOp(job.op) || job.settled || !job.timer) return;
    const left = (job.hardDeadline ?? 0) - Date.now();
    if (left <= 0) return;
    clearTimeout(job.timer);
    job.timer = setTimeout(() => this.onTimeout(child, job), Math.min(job.timeoutMs, left));
    job.timer.unref?.();
  }

  private onReply(child: Child, msg: ExtractReply): void {
    if ('ready' in msg) {
      child.ready = true;
      this.startFailures = 0;
      for (const job of child.inFlight.values()) this.send(child, job);
      return;
    }
    const job = child.inFlight.get(msg.id);
    if (!job) return;
    if ('progress' in msg) {
      this.renew(child, job);
      return;
    }
    if ('waiting' in msg) {
      this.onWait(child, job, msg.waiting);
      return;
    }
    child.inFlight.delete(msg.id);
    child.served++;
    this.settle(job, msg.ok ? msg.result : IntakeError.fromJSON(msg.error as SerializedIntakeError));
    // Keep only the stderr of work still in flight, so a crash report names the right cause.
    if (child.inFlight.size === 0) child.stderrTail = '';
    if (child.served >= this.opts.recycleAfter || (msg.rssMb ?? 0) > this.opts.recycleRssMb) child.draining = true;
    if (child.draining && child.inFlight.size === 0) void this.killChild(child, 'recycle');
    this.pump();
    if (child.inFlight.size === 0 && !child.killedFor) this.endWhenIdle(child);
  }

  /** Arms the child's idle timer: still without a job after `idleMs`, it is ended like a recycled one. */
  private endWhenIdle(child: Child): void {
    if (this.opts.idleMs <= 0) return;
    clearTimeout(child.idleTimer);
    child.idleTimer = setTimeout(() => {
      if (child.inFlight.size === 0 && !child.killedFor) void this.killChild(child, 'recycle');
    }, this.opts.idleMs);
    child.idleTimer.unref?.();
  }

  /** A job overran its hard limit: its child is stuck, so the child goes. */
  private onTimeout(child: Child, job: Job): void {
    if (job.settled || child.killedFor) return;
    const others = [...child.inFlight.values()].filter((j) => j !== job);
    const total = job.timeoutMs * this.opts.textProgressFactor;
    // Alone (or already isolated), the job is to blame; beside others it may have been starved.
    if (job.suspect || others.length === 0) {
      child.inFlight.delete(job.id);
      this.settle(job, timeoutError(job, total));
    }
    for (const j of child.inFlight.values()) this.requeueSuspect(j);
    child.inFlight.clear();
    void this.killChild(child, 'timeout');
    this.pump();
  }

  private onExit(slot: number, child: Child, code: number | null, signal: string | null): void {
    if (this.slots[slot] === child) this.slots[slot] = null;
    const jobs = [...child.inFlight.values()];
    child.inFlight.clear();
    if (!child.killedFor) {
      if (!child.ready) this.startFailures++;
      const oom = OOM_PATTERN.test(child.stderrTail);
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      // A native decoder can fault once for reasons outside the file; a file that faults twice is to blame.
      const fault = signal === 'SIGSEGV' || signal === 'SIGBUS';
      for (const job of jobs) {
        if (fault && !job.retriedAfterFault) {
          job.retriedAfterFault = true;
          this.requeueSuspect(job);
        } else if (job.suspect || jobs.length === 1) this.settle(job, deathError(oom, how, child.stderrTail));
        else this.requeueSuspect(job);
      }
      // An entry that cannot start would otherwise be respawned for ever.
      if (this.startFailures >= 3) {
        const err = new IntakeError('extractor_crashed', 'extractor crashed', { message: `The extractor process failed to start (${how}): ${lastLine(child.stderrTail)}` });
        for (const job of this.queue.splice(0)) this.settle(job, err);
        this.startFailures = 0;
      }
    } else {
      for (const job of jobs) this.requeueSuspect(job);
    }
    this.pump();
  }

  private requeueSuspect(job: Job): void {
    if (job.settled) return;
    clearTimeout(job.timer);
    job.suspect = true;
    job.child = undefined;
    this.queue.unshift(job);
  }

  private killChild(child: Child, why: 'timeout' | 'recycle' | 'close' | 'memory'): Promise<void> {
    clearTimeout(child.idleTimer);
    child.killedFor ??= why;
    child.proc.kill();
    return child.exited;
  }

  private settle(job: Job, outcome: ExtractResult | IntakeError): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    if (outcome instanceof IntakeError) job.reject(outcome);
    else job.resolve(outcome);
  }
}

function timeoutError(job: Job, totalMs: number): IntakeError {
  if (isTextOp(job.op)) {
    return new IntakeError('extractor_crashed', 'text extraction timed out', {
      message: `Extraction made no progress for ${job.timeoutMs} ms (or ran past ${totalMs} ms in all); the extractor was restarted.`,
    });
  }
  return new IntakeError('ocr_timeout', 'OCR timed out', { message: `OCR did not finish within ${job.timeoutMs} ms; the extractor was restarted.` });
}

function memoryError(mb: number, limitMb: number): IntakeError {
  return new IntakeError('extractor_oom', 'extractor ran out of memory', {
    message: `Reading this file took the extractor process to ${mb} MB of memory, over its ${limitMb} MB limit; it was stopped and restarted.`,
  });
}

/** Resident set size of a process in MB (Linux), or null when it cannot be read. */
export function residentMb(pid: number): number | null {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Math.round((Number(statm[1]) * PAGE_BYTES) / 1048576);
  } catch {
    return null;
  }
}

const PAGE_BYTES = 4096;

function deathError(oom: boolean, how: string, stderr: string): IntakeError {
  if (oom) return new IntakeError('extractor_oom', 'extractor ran out of memory', { message: `The extractor process ran out of memory (${how}).` });
  const detail = lastLine(stderr);
  return new IntakeError('extractor_crashed', 'extractor crashed', { message: `The extractor process died (${how})${detail ? `: ${detail}` : ''}.` });
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop()?.slice(0, 300) ?? '';
}

/** Names that carry credentials: API keys, tokens, passwords, cloud and proxy credentials. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|^OPENAI_|^ANTHROPIC_|^AWS_|^AZURE_|^GOOGLE_|^GCP_|^GH_|^GITHUB_|^NPM_CONFIG_)/i;

/**
 * The extraction processes parse untrusted files: they get the environment without anything that
 * looks like a secret (the OpenAI key above all), and proxy URLs without their user:password.
 */
export function extractorEnv(from: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined || SECRET_NAME.test(name)) continue;
    env[name] = /_proxy$/i.test(name) ? value.replace(/\/\/[^/@\s]*@/, '//') : value;
  }
  return env;
}

/**
 * glibc's allocator, set for a process that decodes one large image after another (issue 15). By default a
 * freed block of several MB raises the size from which blocks are mapped on their own, so the next page's
 * buffers come from the heap, whose free holes glibc seldom gives back; and each thread (tesseract's two,
 * V8's helpers) may get an arena of its own. A fixed 128 KB threshold returns every large buffer to the
 * system when freed, and two arenas bound the rest: on the bench's OCR mix the process's peak fell by
 * ≈ 30–50 MB. A value the user set wins; other C libraries ignore these names.
 */
export const EXTRACTOR_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: String(128 * 1024) };

function childEnv(): NodeJS.ProcessEnv {
  // The child ends itself once this process is gone (parent-watch.ts).
  const env: NodeJS.ProcessEnv = { ...EXTRACTOR_MALLOC_ENV, ...extractorEnv(process.env), [PARENT_PID_ENV]: String(process.pid), [PARENT_START_ENV]: selfIdentity().start ?? '' };
  // Forked from Electron's main process, process.execPath is Electron: make it behave as Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}
