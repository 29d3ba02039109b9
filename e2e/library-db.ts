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

const CODES = [
  ['extract_text', 'pdf_encrypted', 'input', 'This PDF is password-protected'],
  ['extract_text', 'pdf_corrupt', 'input', 'The PDF is damaged'],
  ['ocr', 'ocr_no_text', 'content', 'OCR found no text'],
  ['extract_text', 'text_insufficient', 'content', 'Too little text; OCR is off'],
  ['classify', 'ai_rate_limited', 'transient', 'The AI server kept answering 429'],
] as const;

/**
 * `failures` failed files and `documents` documents written in one transaction each, with
 * distinct hashes and times a minute apart (the newest now). The app must be started on the
 * library first (it runs the migrations); then reload the page.
 */
export function seedLibrary(dbPath: string, { failures, documents }: { failures: number; documents: number }): void {
  const db = new Database(dbPath);
  try {
    db.pragma('busy_timeout = 10000');
    const now = Math.floor(Date.now() / 1000);
    // Today's settings (the fixture's: OCR off, eng, 50 pages); one row in ten failed under the old extractor, so may work now.
    const today = { extractorVersion: EXTRACTOR_VERSION, ocr: false, ocrLanguages: ['eng'], pageCap: 50 };
    const fps = [JSON.stringify(today), JSON.stringify({ ...today, extractorVersion: '1' })];
    const insertFailed = db.prepare(`INSERT INTO failed_files (file_path, filename, file_hash, stage, reason, error_type, error_message, failed_at, attempts, first_failed_at,
      run_id, failure_class, error_code, stack, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, ?)`);
    const insertDoc = db.prepare(`INSERT INTO documents (file_hash, file_path, filename, size, mime_type, content, content_source, title, doc_type,
      correspondent, doc_date, tags, language, summary, ai_provider, ai_model, created_at, updated_at)
      VALUES (?, ?, ?, ?, 'text/plain', ?, 'text', ?, ?, ?, ?, ?, 'en', ?, 'local', 'local-rules-v1', ?, ?)`);
    const kinds = ['invoice', 'letter', 'receipt', 'contract', 'statement'];
    db.transaction(() => {
      for (let i = 0; i < failures; i++) {
        const [stage, code, cls, reason] = CODES[i % CODES.length];
        const name = `${kinds[i % kinds.length]}-${String(i).padStart(6, '0')}.pdf`;
        const hash = `f${i.toString(16).padStart(63, '0')}`;
        const at = now - i * 60;
        insertFailed.run(`/archive/${2000 + (i % 25)}/${name}`, name, hash, stage, reason, code, `${reason} (${name})`, at, 1 + (i % 3), at, cls, code, fps[i % 10 === 7 ? 1 : 0]);
      }
      for (let i = 0; i < documents; i++) {
        const kind = kinds[i % kinds.length];
        const name = `${kind}-${String(i).padStart(6, '0')}.txt`;
        const hash = `d${i.toString(16).padStart(63, '0')}`;
        const at = now - i * 60;
        const text = `${kind} number ${i} from Example Ltd. Amount due EUR ${(i % 997) + 0.5}.`;
        insertDoc.run(hash, `/archive/docs/${name}`, name, text.length, text, `${kind[0].toUpperCase()}${kind.slice(1)} ${i}`, kind, 'Example Ltd', '2024-03-15', JSON.stringify([kind]), text, at, at);
      }
    })();
  } finally {
    db.close();
  }
}
