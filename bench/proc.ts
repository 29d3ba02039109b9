/** Child processes of the bench: spawning one, timing shell commands, and sampling a process tree's memory from /proc. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { isRunning } from '../test/support/process';

/** Direct and indirect children of `root` (Linux /proc). */
export function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid … — comm may hold spaces or parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(name), ppid);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const frontier = [root];
  while (frontier.length) {
    const p = frontier.pop()!;
    for (const [pid, ppid] of parentOf) {
      if (ppid === p) {
        out.push(pid);
        frontier.push(pid);
      }
    }
  }
  return out;
}

/** VmRSS and VmHWM of one process in MB, or null once it is gone. */
export function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export interface TreeMemory {
  /** Highest sum of VmRSS over the tree seen by the sampler. */
  peakSampledMb: number;
  /** Sum over every process seen of its own VmHWM: an upper bound of the tree's peak. */
  hwmSumMb: number;
  perProcessHwmMb: Record<string, number>;
  processes: number;
}

/** Samples a process tree's memory every `intervalMs` until stop(). */
export function sampleTree(root: number, intervalMs = 100): { stop: () => TreeMemory } {
  const hwm = new Map<number, number>();
  let peak = 0;
  let treeEvery = 0;
  let tree: number[] = [];
  const tick = () => {
    if (treeEvery-- <= 0) {
      tree = [root, ...descendants(root)];
      treeEvery = 5;
    }
    let sum = 0;
    for (const pid of tree) {
      const m = memoryOf(pid);
      if (!m) continue;
      sum += m.rss;
      hwm.set(pid, Math.max(hwm.get(pid) ?? 0, m.hwm));
    }
    peak = Math.max(peak, sum);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const perProcessHwmMb = Object.fromEntries([...hwm].map(([pid, mb]) => [String(pid), Math.round(mb)]));
      return { peakSampledMb: peak, hwmSumMb: [...hwm.values()].reduce((a, b) => a + b, 0), perProcessHwmMb, processes: hwm.size };
    },
  };
}

/** Runs a child to completion, collecting its output. */
export function runChild(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; onSpawn?: (c: ChildProcess) => void } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d.length > 100_000 ? d.slice(-100_000) : d));
    c.on('error', reject);
    c.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    opts.onSpawn?.(c);
  });
}

/**
 * CPU time (user + system, ms) of `pid` and its live descendants, plus what it
 * has reaped of exited children. On a loaded machine wall time measures the
 * other tenants as much as the work; CPU time per page does not.
 */
export function treeCpuMs(pid: number): number {
  const tick = 10; // USER_HZ is 100 on Linux
  let sum = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += Number(f[11]) + Number(f[12]) + (p === pid ? Number(f[13]) + Number(f[14]) : 0);
    } catch {
      // exited while we looked
    }
  }
  return sum * tick;
}

/** Wall time and CPU time (user + system of every process it ran) of a shell command; throws when it fails. */
export function timeShellCpu(script: string, env: NodeJS.ProcessEnv = process.env): { ms: number; cpuMs: number } {
  const t0 = performance.now();
  // `times` prints the shell's own and its children's user and system times: the second line is the children's.
  const r = spawnSync('sh', ['-c', `{ ${script} ; } >/dev/null; times`], { stdio: ['ignore', 'pipe', 'pipe'], env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`native command failed (${r.status}): ${script.slice(0, 200)}\n${r.stderr.slice(-2000)}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { ms, cpuMs: (secs[0] ?? 0) * 1000 + (secs[1] ?? 0) * 1000 };
}

/** Wall time of a shell command in ms (output discarded); throws when it fails. */
export function timeShell(script: string, env: NodeJS.ProcessEnv = process.env): number {
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`native command failed (${r.status}): ${script.slice(0, 200)}\n${r.stderr.slice(-2000)}`);
  return ms;
}

/** True while the process runs; an exited but unreaped (zombie) process is gone. */
export const isAlive = isRunning;
