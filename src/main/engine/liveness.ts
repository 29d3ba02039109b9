/**
 * Whether the process that owns a record (a run, a watched folder) is still alive,
 * decided the same way everywhere:
 *
 * - the owner writes a heartbeat (unix ms) every `heartbeatMs`;
 * - a record whose heartbeat has not moved for `staleAfterMs` is dead, whatever its pid —
 *   measured on this process's monotonic clock once it has been seen, so neither a wall
 *   clock that jumps nor two hosts whose clocks disagree can make a live owner look dead;
 * - on this host, an owner whose pid is gone, a zombie, or a different process (its start
 *   token differs: the pid was reused) is dead at once;
 * - a pid from another host means nothing here: only the heartbeat counts;
 * - a record seen for the first time with a wall-clock heartbeat older than `staleAfterMs` is
 *   dead, unless its owner is verifiably alive on this host (then it is watched like any other).
 *   If a clock jump misjudges a live owner, that owner takes its record back at its next beat.
 */
import { processState, selfIdentity, type ProcessIdentity } from '../extract/process-state';

export const HEARTBEAT_MS = 3_000;
/** Five missed heartbeats. */
export const STALE_AFTER_MS = 15_000;

export interface LivenessOptions {
  heartbeatMs?: number;
  staleAfterMs?: number;
  /** Wall clock, unix ms (stored in heartbeats). */
  now?: () => number;
  /** Monotonic clock, ms (how long a heartbeat has stood still). */
  monotonic?: () => number;
  /** Who this process is (tests stand in another host or process). */
  identity?: ProcessIdentity;
  /** State of a pid on this host (tests: a fake process table). */
  probe?: typeof processState;
  /** Beat and sweep on a timer (default); tests call tick() themselves. */
  timer?: boolean;
}

/** Who owns a record, and its last heartbeat. */
export interface OwnedRecord {
  host: string | null;
  pid: number | null;
  processStart: string | null;
  /** Unix ms; null for records written before heartbeats existed. */
  heartbeatAt: number | null;
  /** Fallback sign of life for records without a heartbeat (unix s or ms). */
  startedAt?: number | null;
}

export type Verdict = { alive: true } | { alive: false; lastAliveAt: number; why: string };

export class Liveness {
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  readonly identity: ProcessIdentity;
  private readonly now: () => number;
  private readonly monotonic: () => number;
  private readonly probe: typeof processState;
  /** record key → the heartbeat last seen and when (monotonic) it was first seen with that value. */
  private readonly seen = new Map<string, { beat: number; since: number; judged: number }>();
  private timer: NodeJS.Timeout | null = null;
  private readonly tickers = new Set<() => void>();

  constructor(opts: LivenessOptions = {}) {
    this.heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
    this.staleAfterMs = opts.staleAfterMs ?? STALE_AFTER_MS;
    this.now = opts.now ?? Date.now;
    this.monotonic = opts.monotonic ?? (() => performance.now());
    this.identity = opts.identity ?? selfIdentity();
    this.probe = opts.probe ?? processState;
    if (opts.timer !== false) {
      this.timer = setInterval(() => this.tick(), this.heartbeatMs);
      this.timer.unref();
    }
  }

  /** Wall-clock time for a heartbeat. */
  stamp(): number {
    return Math.floor(this.now());
  }

  /** Runs `fn` on every tick (beats and sweeps of the records' owners); returns the unsubscribe. */
  onTick(fn: () => void): () => void {
    this.tickers.add(fn);
    return () => this.tickers.delete(fn);
  }

  /** One heartbeat interval: every subscriber beats its own records and sweeps others'. */
  tick(): void {
    this.prune();
    for (const fn of this.tickers) {
      try {
        fn();
      } catch {
        // A library busy past busy_timeout: this beat is skipped, the next one comes.
      }
    }
  }

  /** Is the owner of `rec` (known as `key`, e.g. "run:12") alive? */
  judge(key: string, rec: OwnedRecord): Verdict {
    const mono = this.monotonic();
    const beat = rec.heartbeatAt ?? toMs(rec.startedAt ?? 0);
    const prev = this.seen.get(key);
    // Kept after a record is judged dead: if its owner takes it back, it is watched, not judged afresh.
    this.seen.set(key, !prev || prev.beat !== beat ? { beat, since: mono, judged: mono } : { ...prev, judged: mono });
    const lastAliveAt = beat;

    const here = rec.host === null || rec.host === this.identity.host;
    let verified = false;
    if (here && rec.pid !== null) {
      const self = rec.pid === this.identity.pid && (rec.processStart === null || rec.processStart === this.identity.start);
      if (self && rec.host !== null) {
        verified = true; // this very process: its own records are judged by the caller, others by heartbeat
      } else if (rec.pid === this.identity.pid && rec.processStart === null) {
        // A record from before heartbeats with our pid: an earlier process that had our number.
        return { alive: false, lastAliveAt, why: 'pid reused by this process' };
      } else {
        const s = this.probe(rec.pid);
        if (s.state === 'gone') return { alive: false, lastAliveAt, why: 'process gone' };
        if (rec.processStart !== null && s.start !== null && s.start !== rec.processStart) return { alive: false, lastAliveAt, why: 'pid reused by another process' };
        verified = rec.processStart !== null && s.start !== null;
      }
    }
    if (prev && prev.beat === beat && mono - prev.since >= this.staleAfterMs) {
      return { alive: false, lastAliveAt, why: `no heartbeat for ${Math.round((mono - prev.since) / 1000)} s` };
    }
    if (!prev && !verified && this.now() - beat > this.staleAfterMs) {
      return { alive: false, lastAliveAt, why: `last heartbeat ${Math.round((this.now() - beat) / 1000)} s ago` };
    }
    return { alive: true };
  }

  /** Forgets records not judged for a long while (finished runs, removed folders). */
  private prune(): void {
    const mono = this.monotonic();
    for (const [key, s] of this.seen) if (mono - s.judged > 10 * this.staleAfterMs) this.seen.delete(key);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.tickers.clear();
  }
}

function toMs(t: number): number {
  return t > 1e11 ? t : t * 1000;
}
