/**
 * The library file itself, read beside the running app: what the screens must agree with.
 * Opened read-only for each question (WAL: the server keeps writing meanwhile). `seed` writes
 * the 100 000-row libraries straight into SQLite, the way a long-used library looks.
 */
import Database from 'better-sqlite3';
import { EXTRACTOR_VERSION } from '../src/shared/retry';

export interface LibraryFacts {
  documents: number;
  failed: number;
  failedByCode: Record<string, number>;
  runs: { id: number; status: string; counts: Record<string, number> | null; durationMs: number | null }[];
}

export function libraryFacts(dbPath: string): LibraryFacts {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    const byCode = db.prepare('SELECT error_code AS code, count(*) AS n FROM failed_files GROUP BY error_code').all() as { code: string; n: number }[];
    const runs = db.prepare('SELECT id, status, counts, duration_ms AS durationMs FROM runs ORDER BY id').all() as { id: number; status: string; counts: string | null; durationMs: number | null }[];
    return {
      documents: one('SELECT count(*) AS n FROM documents'),
      failed: one('SELECT count(*) AS n FROM failed_files'),
      failedByCode: Object.fromEntries(byCode.map((r) => [r.code, r.n])),
      runs: runs.map((r) => ({ ...r, counts: r.counts ? (JSON.parse(r.counts) as Record<string, number>) : null })),
    };
  } finally {
    db.close();
  }
}

/** The failed file the grid shows last under its default order (newest failure first, then id). */
export function oldestFailure(dbPath: string): { filename: string; id: number } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT filename, id FROM failed_files ORDER BY failed_at ASC, id ASC LIMIT 1').get() as { filename: string; id: number };
  } finally {
    db.close();
  }
}

/** The document the Documents list shows last (newest first, then id). */
export function oldestDocument(dbPath: string): { filename: string } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT filename FROM documents ORDER BY created_at ASC, id ASC LIMIT 1').get() as { filename: string };
  } finally {
    db.close();
  }
}

const KINDS = ['invoice', 'letter', 'receipt', 'contract', 'statement'];
const CODES = [
  ['extract_text', 'pdf_encrypted', 'input', 'This PDF is password-protected'],
  ['extract_text', 'pdf_corrupt', 'input', 'The PDF is damaged'],
  ['ocr', 'ocr_no_text', 'content', 'OCR found no text'],
  ['extract_text', 'text_insufficient', 'content', 'Too little text; OCR is off'],
  ['classify', 'ai_rate_limited', 'transient', 'The AI server kept answering 429'],
] as const;

/** CASE i % n WHEN 0 THEN 'a' … END, for picking from a list inside SQL. */
const pickSql = (expr: string, values: readonly string[]): string => `CASE ${expr} % ${values.length} ${values.map((v, k) => `WHEN ${k} THEN '${v.replace(/'/g, "''")}'`).join(' ')} END`;

/**
 * `failures` failed files and `documents` documents, each set by one INSERT … SELECT over a
 * counter (no per-row round trips),
 * with distinct hashes and times a minute apart (the newest now). The app must be started on the
 * library first (it runs the migrations); then load the page.
 */
export function seedLibrary(dbPath: string, { failures, documents }: { failures: number; documents: number }): void {
  const db = new Database(dbPath);
  try {
    db.pragma('busy_timeout = 10000');
    db.pragma('synchronous = OFF');
    const now = Math.floor(Date.now() / 1000);
    // Today's settings (the fixture's: OCR off, eng, 50 pages); one row in ten failed under the old extractor, so may work now.
    const today = { extractorVersion: EXTRACTOR_VERSION, ocr: false, ocrLanguages: ['eng'], pageCap: 50 };
    const fps = [JSON.stringify(today), JSON.stringify({ ...today, extractorVersion: '1' })];
    const counter = 'WITH RECURSIVE n(i) AS (SELECT 0 WHERE @rows > 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < @rows)';
    const kind = pickSql('i', KINDS);
    const col = (k: number) => pickSql('i', CODES.map((c) => c[k]));
    db.prepare(
      `${counter}
       INSERT INTO failed_files (file_path, filename, file_hash, stage, reason, error_type, error_message, failed_at, attempts, first_failed_at,
         run_id, failure_class, error_code, stack, fingerprint)
       SELECT '/archive/' || (2000 + i % 25) || '/' || name, name, printf('f%063x', i), ${col(0)}, ${col(3)}, ${col(1)}, ${col(3)} || ' (' || name || ')',
         @now - i * 60, 1 + i % 3, @now - i * 60, NULL, ${col(2)}, ${col(1)}, NULL, CASE WHEN i % 10 = 7 THEN @old ELSE @today END
       FROM (SELECT i, ${kind} || printf('-%06d.pdf', i) AS name FROM n)`,
    ).run({ rows: failures, now, today: fps[0], old: fps[1] });
    db.prepare(
      `${counter}
       INSERT INTO documents (file_hash, file_path, filename, size, mime_type, content, content_source, title, doc_type,
         correspondent, doc_date, tags, language, summary, ai_provider, ai_model, created_at, updated_at)
       SELECT printf('d%063x', i), '/archive/docs/' || name, name, length(text), 'text/plain', text, 'text', upper(substr(kind, 1, 1)) || substr(kind, 2) || ' ' || i,
         kind, 'Example Ltd', '2024-03-15', json_array(kind), 'en', text, 'local', 'local-rules-v1', @now - i * 60, @now - i * 60
       FROM (SELECT i, kind, kind || printf('-%06d.txt', i) AS name, kind || ' number ' || i || ' from Example Ltd. Amount due EUR ' || (i % 997) || '.5.' AS text
             FROM (SELECT i, ${kind} AS kind FROM n))`,
    ).run({ rows: documents, now });
  } finally {
    db.close();
  }
}
