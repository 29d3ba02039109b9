/** Words and numbers as the user reads them. Timestamps from the engine are unix seconds. */
import type { ErrorCode, FailureClass, RunRow, RunStatus, Stage } from '../../shared/domain';
import { CODE_LABEL } from '../../shared/errors';

const STAGE_LABEL: Record<Stage | 'scan' | 'skip_check', string> = {
  hash: 'Hash',
  extract_text: 'Extract text',
  ocr: 'OCR',
  classify: 'Classify',
  embeddings: 'Embeddings',
  db_insert: 'Save to library',
  unknown: 'Unknown stage',
  scan: 'Scan',
  skip_check: 'Skip check',
};

export function stageLabel(stage: string | null | undefined): string {
  if (!stage) return '—';
  return STAGE_LABEL[stage as Stage] ?? stage;
}

export function codeLabel(code: string | null | undefined): string {
  if (!code) return '—';
  return CODE_LABEL[code as ErrorCode] ?? code;
}

const CLASS_LABEL: Record<FailureClass, string> = {
  transient: 'Transient',
  input: 'Bad input',
  content: 'Content',
  config: 'Configuration',
};
const CLASS_HINT: Record<FailureClass, string> = {
  transient: 'A temporary problem; retrying later will probably work.',
  input: 'The file itself is the problem (damaged, encrypted, unreadable).',
  content: 'The file was read but did not have enough usable content.',
  config: 'A setting needs to change (API key, model, OCR language).',
};
export function classLabel(c: string): string {
  return CLASS_LABEL[c as FailureClass] ?? c;
}
export function classHint(c: string): string {
  return CLASS_HINT[c as FailureClass] ?? '';
}

const STATUS_LABEL: Record<RunStatus, string> = {
  running: 'Running',
  completed: 'Completed',
  cancelled: 'Cancelled',
  paused: 'Paused',
  interrupted: 'Interrupted',
};
/** One colour per run status, wherever a run's status is shown (the run card, Recent runs). */
export const STATUS_TONE = { running: 'info', completed: 'ok', paused: 'warn', cancelled: 'neutral', interrupted: 'danger' } as const;

export function statusLabel(s: string): string {
  return STATUS_LABEL[s as RunStatus] ?? s;
}

/** "14:05" in local time. */
export function clockTime(ts: number): string {
  return toDate(ts).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** A run's status as Recent runs shows it: a run whose process died says when it stopped. */
export function runStatusText(r: Pick<RunRow, 'status' | 'lostAt'>): string {
  if (r.status === 'interrupted' && r.lostAt) return `Interrupted (the process stopped at ${clockTime(r.lostAt)})`;
  return statusLabel(r.status);
}

/** Unix seconds (or ms, if obviously ms) → Date. */
export function toDate(ts: number): Date {
  return new Date(ts > 1e11 ? ts : ts * 1000);
}

/** Local date and time, e.g. "3 Mar 2025, 14:05:09". */
export function dateTime(ts: number | null | undefined): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return '—';
  return toDate(ts).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function relativeTime(ts: number | null | undefined, now = Date.now()): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return '—';
  const diffSec = Math.round((now - toDate(ts).getTime()) / 1000);
  const future = diffSec < 0;
  const s = Math.abs(diffSec);
  let text: string;
  if (s < 45) return future ? 'in a moment' : 'just now';
  else if (s < 3600) text = `${Math.round(s / 60)} min`;
  else if (s < 86_400) text = `${Math.round(s / 3600)} h`;
  else if (s < 30 * 86_400) {
    const d = Math.round(s / 86_400);
    text = `${d} day${d === 1 ? '' : 's'}`;
  } else return dateTime(ts);
  return future ? `in ${text}` : `${text} ago`;
}

/** 950 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const totalSec = Math.round(s);
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const sec = totalSec % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(sec).padStart(2, '0')} s`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString();
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

export function rate(perSec: number | null | undefined): string {
  if (!perSec || !Number.isFinite(perSec)) return '—';
  return perSec >= 10 ? `${Math.round(perSec)} files/s` : `${perSec.toFixed(1)} files/s`;
}

/** The last path segment, for either separator. */
export function basename(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? p;
}

/** True for columns holding unix-second timestamps. */
export function isTimestampColumn(name: string): boolean {
  return name.endsWith('_at');
}
