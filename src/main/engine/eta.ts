import type { FileKind } from '../../shared/domain';

export interface EtaInput {
  /** Files not started yet, per kind. */
  waiting: ReadonlyMap<FileKind, number>;
  /** Files in hand, with when their work began (ms). */
  working: readonly { kind: FileKind; since: number }[];
  /** Measured time spent per finished file, per kind (total ms over n files). */
  cost: ReadonlyMap<FileKind, { ms: number; n: number }>;
  workers: number;
  now: number;
}

/** A file in hand longer than 3× its kind's time plus 5 s is overdue: its end cannot be foreseen. */
const OVERDUE_FACTOR = 3;
const OVERDUE_SLACK_MS = 5000;

/**
 * Seconds left, from what is left: files waiting and in hand, each costed at the measured time
 * per file of its kind (an OCR'd image costs far more than a text file), shared by the workers
 * but never less than the longest file in hand. Null while a kind still to do has no measurement,
 * and while a file in hand has run far past its kind's time (an AI server that stalls, a poisonous
 * scan): how long it will still take is then unknown, and "under a second" would be a guess.
 */
export function etaSeconds({ waiting, working, cost, workers, now }: EtaInput): number | null {
  const avg = (k: FileKind): number | null => {
    const c = cost.get(k);
    return c && c.n > 0 ? c.ms / c.n : null;
  };
  let work = 0;
  let longest = 0;
  for (const [kind, n] of waiting) {
    if (n <= 0) continue;
    const a = avg(kind);
    if (a === null) return null;
    work += n * a;
    longest = Math.max(longest, a);
  }
  for (const { kind, since } of working) {
    const a = avg(kind);
    if (a === null) return null;
    if (now - since > a * OVERDUE_FACTOR + OVERDUE_SLACK_MS) return null;
    const left = Math.max(a - (now - since), a * 0.1);
    work += left;
    longest = Math.max(longest, left);
  }
  return Math.round(Math.max(work / Math.max(1, workers), longest) / 1000);
}
