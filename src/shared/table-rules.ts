/**
 * What a value in each browsable column means, beyond SQLite's type: JSON of a given shape,
 * one of a set of words, a date, an engine-owned timestamp. The table browser refuses what
 * breaks these rules (main process), and the Database screen's form checks the same rules
 * beside each field before it sends anything (renderer).
 */
import { ERROR_CODES, FAILURE_CLASSES, STAGES } from './domain';

export type ColumnKind =
  | 'plain'
  | 'json-array-of-strings'
  | 'json-object'
  | 'json-object-or-null'
  | 'enum'
  | 'date'
  /** Unix seconds / milliseconds the engine writes: read-only, shown as dates. */
  | 'timestamp-s'
  | 'timestamp-ms';

export interface ColumnRule {
  kind: ColumnKind;
  /** The allowed words of an enum column. */
  options?: readonly string[];
  /** Owned by the engine (ids, hashes, timestamps, vectors): shown, never edited. */
  protected?: boolean;
}

/** Tables edited only through their own screen (with its validation), never as raw rows. */
export const READ_ONLY_TABLES: Record<string, string> = {
  settings: 'Settings are changed on the Settings screen, where every value is checked.',
};

const MS_TABLES = new Set(['runs']);
const TIMESTAMPS = new Set(['created_at', 'updated_at', 'failed_at', 'first_failed_at', 'started_at', 'finished_at', 'at', 'indexed_at', 'seen_at']);
const PROTECTED = new Set(['id', 'file_hash', 'hash', 'embedding', 'embedding_dim', 'duration_ms', 'pid', 'mtime_ms', 'size']);

const RULES: Record<string, Record<string, ColumnRule>> = {
  documents: {
    tags: { kind: 'json-array-of-strings' },
    extraction: { kind: 'json-object-or-null', protected: true },
    content_source: { kind: 'enum', options: ['text', 'pdf', 'ocr'] },
    doc_date: { kind: 'date' },
  },
  failed_files: {
    stage: { kind: 'enum', options: STAGES },
    failure_class: { kind: 'enum', options: FAILURE_CLASSES },
    error_code: { kind: 'enum', options: ERROR_CODES },
    error_type: { kind: 'enum', options: ERROR_CODES },
    fingerprint: { kind: 'json-object' },
  },
  failure_events: {
    kind: { kind: 'enum', options: ['failure', 'reset', 'success'] },
    stage: { kind: 'enum', options: STAGES },
    error_code: { kind: 'enum', options: ERROR_CODES },
  },
  runs: {
    status: { kind: 'enum', options: ['running', 'completed', 'cancelled', 'paused', 'interrupted'] },
    roots: { kind: 'json-array-of-strings' },
    options: { kind: 'json-object' },
    counts: { kind: 'json-object-or-null' },
  },
};

/** The rule for one column of one table. */
export function columnRule(table: string, column: string): ColumnRule {
  const rule = RULES[table]?.[column];
  if (rule) return { ...rule, protected: rule.protected || PROTECTED.has(column) };
  if (TIMESTAMPS.has(column)) return { kind: MS_TABLES.has(table) ? 'timestamp-ms' : 'timestamp-s', protected: true };
  return { kind: 'plain', protected: PROTECTED.has(column) };
}

/** Null when the value is acceptable for the rule; otherwise why not, in words for the field. */
export function checkValue(rule: ColumnRule, value: string | number | null): string | null {
  if (value === null) return null; // NOT NULL is the column's own business (checked with the schema)
  switch (rule.kind) {
    case 'enum':
      return rule.options?.includes(String(value)) ? null : `Must be one of: ${rule.options?.join(', ')}.`;
    case 'date':
      if (value === '') return null;
      return /^\d{4}-\d{2}-\d{2}$/.test(String(value)) && !Number.isNaN(Date.parse(String(value))) ? null : 'Must be a date as YYYY-MM-DD.';
    case 'json-array-of-strings': {
      const v = parseJson(value);
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : 'Must be a JSON list of texts, e.g. ["invoice", "2024"].';
    }
    case 'json-object':
    case 'json-object-or-null': {
      const v = parseJson(value);
      if (rule.kind === 'json-object-or-null' && v === null) return null;
      return v !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v) ? null : 'Must be a JSON object, e.g. {"key": "value"}.';
    }
    default:
      return null;
  }
}

function parseJson(value: string | number): unknown {
  try {
    return JSON.parse(String(value));
  } catch {
    return undefined;
  }
}
