import { readFileSync } from 'node:fs';

/**
 * True while `pid` runs. An exited process that its parent (or init) has not
 * reaped yet is a zombie: it has ended, so it counts as gone.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

/**
 * CPU time `pid` has used so far (user + system, in clock ticks), or null once it is gone. Waiting
 * for a process to have done some work, rather than for wall-clock time to pass, holds on a busy
 * machine too.
 */
export function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}
