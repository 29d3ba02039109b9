/**
 * Who a process is, beyond its pid. A pid alone says little: a killed process
 * stays a zombie until it is reaped (and answers `kill(pid, 0)` meanwhile), and
 * after a reboot or a long uptime its number is reused by an unrelated program.
 * So a process is named by host, pid and a start token (on Linux the boot id
 * and the start time in clock ticks, from /proc), and "is it alive" reads the
 * process state instead of sending signal 0. Plain Node, no Electron.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  host: string;
  pid: number;
  /** Opaque start token ("<boot id>/<start ticks>" on Linux); null where the OS does not tell. */
  start: string | null;
}

export type ProcessState =
  | { state: 'alive'; start: string | null }
  /** Not there, or exited and not yet reaped (a zombie): either way it runs no code. */
  | { state: 'gone' };

let bootId: string | null | undefined;
function currentBootId(): string | null {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

/** The state of `pid` on this machine: zombie-aware, with its start token where /proc has one. */
export function processState(pid: number): ProcessState {
  if (!Number.isInteger(pid) || pid <= 0) return { state: 'gone' };
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // No /proc here (macOS, Windows): signal 0 is all there is.
    if (code === 'ENOENT' && currentBootId() !== null) return { state: 'gone' };
    return signalZero(pid) ? { state: 'alive', start: null } : { state: 'gone' };
  }
  // "pid (comm) S ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  if (state === 'Z' || state === 'X' || state === 'x') return { state: 'gone' };
  const ticks = fields[19]; // field 22 of /proc/<pid>/stat: start time after boot, in clock ticks
  const boot = currentBootId();
  return { state: 'alive', start: boot && ticks ? `${boot}/${ticks}` : null };
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while `pid` runs and, when `start` is known, is still the same process (not a reused pid). */
export function isSameProcessAlive(pid: number, start: string | null): boolean {
  const s = processState(pid);
  if (s.state !== 'alive') return false;
  return start === null || s.start === null || s.start === start;
}

let self: ProcessIdentity | null = null;
/** This process. */
export function selfIdentity(): ProcessIdentity {
  if (!self || self.pid !== process.pid) {
    const s = processState(process.pid);
    self = { host: hostname(), pid: process.pid, start: s.state === 'alive' ? s.start : null };
  }
  return self;
}
