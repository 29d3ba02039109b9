// Helpers for migration 11 (the kept coverage map): released with it, never edited.
/**
 * SQL for where a '/' path sits in coverage_files: `head` is the path up to its last '/' (rtrim of
 * every other character; costly, so a trigger computes it once and passes it on), the folder is
 * the head without that '/' ('' for a file at the root), the name what follows.
 */
const headOf = (p: string) => `rtrim(${p}, replace(${p}, '/', ''))`;
const dirOf = (head: string) => `substr(${head}, 1, length(${head}) - 1)`;
const nameOf = (p: string, head: string) => `substr(${p}, length(${head}) + 1)`;
/**
 * The tables that know a path and the category each gives it, best first: 1 ingested (a document's
 * own path), 2 duplicate (another path of its content), 3 failed (the failure's path or a copy skipped
 * with it), 4 unsupported, 5 not yet seen (hashed, not in the library).
 */
const COVERAGE_SOURCES = [
  ['documents', 'file_path', 1],
  ['document_paths', 'file_path', 2],
  ['failed_files', 'file_path', 3],
  ['failed_paths', 'file_path', 3],
  ['unsupported_files', 'path', 4],
  ['file_index', 'path', 5],
] as const;
const touch = (p: string) => `INSERT INTO coverage_touch (path, head) VALUES (${p}, ${headOf(p)});`;
const coverageTriggers = (table: string, col: string) => `
  CREATE TRIGGER coverage_${table}_insert AFTER INSERT ON ${table} BEGIN ${touch(`NEW.${col}`)} END;
  CREATE TRIGGER coverage_${table}_delete AFTER DELETE ON ${table} BEGIN ${touch(`OLD.${col}`)} END;
  CREATE TRIGGER coverage_${table}_update AFTER UPDATE OF ${col} ON ${table} BEGIN
    ${touch(`OLD.${col}`)}
    ${touch(`NEW.${col}`)}
  END;`;
/** SQL for a path's best category, 1–5, or NULL when no table knows it. */
const categoryOf = (p: string) =>
  `(CASE ${COVERAGE_SOURCES.map(([t, c, cat]) => `WHEN EXISTS (SELECT 1 FROM ${t} WHERE ${c} = ${p}) THEN ${cat}`).join(' ')} END)`;
const thisPath = `dir = ${dirOf('NEW.head')} AND name = ${nameOf('NEW.path', 'NEW.head')}`;

/**
 * Versioned schema migrations, applied in order and tracked by PRAGMA user_version.
 * Never edit a released migration: add the next one.
 */
export const MIGRATIONS: string[] = [
  // 1: the library, the failure record, runs and the rerun index.
  `
  CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    file_hash TEXT NOT NULL UNIQUE,
    file_path TEXT NOT NULL,
    filename TEXT NOT NULL,
    size INTEGER NOT NULL,
    mime_type TEXT NOT NULL,
    content TEXT NOT NULL,
    content_source TEXT NOT NULL CHECK (content_source IN ('text', 'pdf', 'ocr')),
    title TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    correspondent TEXT,
    doc_date TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    language TEXT,
    summary TEXT NOT NULL DEFAULT '',
    ai_provider TEXT NOT NULL,
    ai_model TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX documents_created_at ON documents (created_at);

  -- Every path a document's content was seen at (the same bytes in two folders is one document).
  CREATE TABLE document_paths (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    file_path TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (document_id, file_path)
  );
  CREATE INDEX document_paths_path ON document_paths (file_path);

  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    chunk_index INTEGER NOT NULL,
    text TEXT NOT NULL,
    embedding BLOB,
    embedding_model TEXT,
    UNIQUE (document_id, chunk_index)
  );

  CREATE VIRTUAL TABLE documents_fts USING fts5 (
    title, content, summary, tags, correspondent, filename,
    content = 'documents', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, content, summary, tags, correspondent, filename)
    VALUES (new.id, new.title, new.content, new.summary, new.tags, new.correspondent, new.filename);
  END;
  CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, content, summary, tags, correspondent, filename)
    VALUES ('delete', old.id, old.title, old.content, old.summary, old.tags, old.correspondent, old.filename);
  END;
  CREATE TRIGGER documents_fts_update AFTER UPDATE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, content, summary, tags, correspondent, filename)
    VALUES ('delete', old.id, old.title, old.content, old.summary, old.tags, old.correspondent, old.filename);
    INSERT INTO documents_fts (rowid, title, content, summary, tags, correspondent, filename)
    VALUES (new.id, new.title, new.content, new.summary, new.tags, new.correspondent, new.filename);
  END;

  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'paused', 'interrupted')),
    roots TEXT NOT NULL DEFAULT '[]',
    options TEXT NOT NULL DEFAULT '{}',
    counts TEXT,
    message TEXT,
    pid INTEGER
  );
  CREATE INDEX runs_started_at ON runs (started_at);

  CREATE TABLE failed_files (
    id INTEGER PRIMARY KEY,
    file_path TEXT NOT NULL,
    filename TEXT NOT NULL,
    file_hash TEXT UNIQUE,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    error_type TEXT NOT NULL,
    error_message TEXT NOT NULL,
    failed_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    first_failed_at INTEGER NOT NULL,
    run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    failure_class TEXT NOT NULL,
    error_code TEXT NOT NULL,
    stack TEXT,
    fingerprint TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX failed_files_failed_at ON failed_files (failed_at);
  CREATE UNIQUE INDEX failed_files_path_when_unhashed ON failed_files (file_path) WHERE file_hash IS NULL;
  CREATE INDEX failed_files_path ON failed_files (file_path);
  CREATE INDEX failed_files_stage ON failed_files (stage, failed_at);
  CREATE INDEX failed_files_code ON failed_files (error_code, failed_at);
  CREATE INDEX failed_files_class ON failed_files (failure_class, failed_at);

  CREATE TABLE failure_events (
    id INTEGER PRIMARY KEY,
    file_hash TEXT,
    file_path TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('failure', 'reset', 'success')),
    stage TEXT,
    error_code TEXT,
    message TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL,
    run_id INTEGER
  );
  CREATE INDEX failure_events_hash ON failure_events (file_hash, at);
  CREATE INDEX failure_events_path ON failure_events (file_path, at);

  -- Lets a rerun over an unchanged folder skip re-hashing: path → size, mtime → hash.
  CREATE TABLE file_index (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    hash TEXT NOT NULL,
    indexed_at INTEGER NOT NULL
  );
  CREATE INDEX file_index_hash ON file_index (hash);

  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: indexes for every sort of the failed-files inspector, alone and under each filter (rowid is
  // the implicit tie-breaker), so a page is an index walk, not a sort of up to 100 000 rows.
  `
  CREATE INDEX failed_files_filename ON failed_files (filename COLLATE NOCASE);
  CREATE INDEX failed_files_reason ON failed_files (reason COLLATE NOCASE);
  CREATE INDEX failed_files_attempts ON failed_files (attempts);
  CREATE INDEX failed_files_first_failed_at ON failed_files (first_failed_at);
  CREATE INDEX failed_files_stage_only ON failed_files (stage);
  CREATE INDEX failed_files_code_only ON failed_files (error_code);
  -- The inspector filters by stage, class or code and sorts by any column: one (filter, sort) index
  -- per pair makes every filtered, sorted page an index walk of exactly the rows shown.
  CREATE INDEX failed_files_stage_filename ON failed_files (stage, filename COLLATE NOCASE);
  CREATE INDEX failed_files_class_filename ON failed_files (failure_class, filename COLLATE NOCASE);
  CREATE INDEX failed_files_code_filename ON failed_files (error_code, filename COLLATE NOCASE);
  CREATE INDEX failed_files_stage_attempts ON failed_files (stage, attempts);
  CREATE INDEX failed_files_class_attempts ON failed_files (failure_class, attempts);
  CREATE INDEX failed_files_code_attempts ON failed_files (error_code, attempts);
  CREATE INDEX failed_files_stage_first ON failed_files (stage, first_failed_at);
  CREATE INDEX failed_files_class_first ON failed_files (failure_class, first_failed_at);
  CREATE INDEX failed_files_code_first ON failed_files (error_code, first_failed_at);
  CREATE INDEX failed_files_stage_reason ON failed_files (stage, reason COLLATE NOCASE);
  CREATE INDEX failed_files_class_reason ON failed_files (failure_class, reason COLLATE NOCASE);
  CREATE INDEX failed_files_code_reason ON failed_files (error_code, reason COLLATE NOCASE);
  CREATE INDEX failed_files_class_stage ON failed_files (failure_class, stage);
  CREATE INDEX failed_files_class_code ON failed_files (failure_class, error_code);
  CREATE INDEX failed_files_stage_code ON failed_files (stage, error_code);
  CREATE INDEX failed_files_code_stage ON failed_files (error_code, stage);
  `,
  // 3 (search): each chunk records the model and dimension of its vector; a chunk with no vector yet
  // is pending (the local encoder embeds in the background), and a failed embedding is kept with its error.
  `
  ALTER TABLE chunks ADD COLUMN embedding_dim INTEGER;
  ALTER TABLE chunks ADD COLUMN embed_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE chunks ADD COLUMN embed_error TEXT;
  UPDATE chunks SET embedding_dim = length(embedding) / 4 WHERE embedding IS NOT NULL;
  CREATE INDEX chunks_embedding_model ON chunks (embedding_model, document_id);
  `,
  // 4: how each document's text was obtained (encoding, pages from the text layer or OCR, rotation), as JSON.
  `
  ALTER TABLE documents ADD COLUMN extraction TEXT;
  `,
  // 5: runs carry milliseconds (the UI shows their durations; whole seconds made a 14 ms run "0 ms").
  `
  UPDATE runs SET started_at = started_at * 1000 WHERE started_at < 100000000000;
  UPDATE runs SET finished_at = finished_at * 1000 WHERE finished_at IS NOT NULL AND finished_at < 100000000000;
  -- The time the run worked (pauses excluded): the one duration every screen shows.
  ALTER TABLE runs ADD COLUMN duration_ms INTEGER;
  UPDATE runs SET duration_ms = finished_at - started_at WHERE finished_at IS NOT NULL;
  `,
  // 6: run liveness beyond the pid: the owner's host and process start token, a heartbeat the
  // running process writes every few seconds (unix ms), and when a dead owner was last alive.
  `
  ALTER TABLE runs ADD COLUMN host TEXT;
  ALTER TABLE runs ADD COLUMN process_start TEXT;
  ALTER TABLE runs ADD COLUMN heartbeat_at INTEGER;
  ALTER TABLE runs ADD COLUMN lost_at INTEGER;
  CREATE INDEX runs_status ON runs (status);
  `,
  // 7: watched folders (persisted, so watching resumes after a restart; the owner columns are a
  // lease judged like a run's liveness) and the unsupported files a scan met, for the coverage map.
  `
  CREATE TABLE watched_folders (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    paused INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'catching_up' CHECK (state IN ('watching', 'catching_up', 'paused', 'missing', 'not_allowed')),
    message TEXT,
    added_at INTEGER NOT NULL,
    last_seen_at INTEGER,
    last_file TEXT,
    ingested INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    owner_host TEXT,
    owner_pid INTEGER,
    owner_start TEXT,
    owner_heartbeat_at INTEGER
  );
  CREATE TABLE unsupported_files (
    path TEXT PRIMARY KEY,
    seen_at INTEGER NOT NULL
  );
  `,
  // 8: the coverage map finds a folder's ingested files (each document's own path) by index range,
  // and tells a duplicate path from the document's own without joining every path to its document.
  `
  CREATE INDEX documents_file_path ON documents (file_path);
  `,
  // 9: the bytes of paths whose names are not valid UTF-8 (Latin-1 names from old zips and SMB shares),
  // as hex, under the readable path the library shows and keys them by; reprocess opens the file by them.
  `
  CREATE TABLE raw_paths (
    path TEXT PRIMARY KEY,
    raw_hex TEXT NOT NULL,
    seen_at INTEGER NOT NULL
  );
  `,
  // 10: the other paths at which a failed file's content was met and skipped (same bytes, same way of
  // reading): each is recorded, so the user sees every copy of a failure and a reset or reprocess takes them all.
  `
  CREATE TABLE failed_paths (
    file_hash TEXT NOT NULL,
    file_path TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (file_hash, file_path)
  );
  `,
  // 11: the coverage map kept as files are recorded, so a folder of 100 000 files opens in
  // milliseconds: each known path's best category (ingested 1 · duplicate 2 · failed 3 ·
  // unsupported 4 · not yet seen 5) in coverage_files, and per folder how many of its own files
  // are in each (coverage_counts). Triggers on the six tables that know a path keep both right
  // whoever writes (runs, reset, reprocess, the Database editor, the CLI, foreign-key cascades):
  // each write re-judges the paths it touched through the coverage_touch view.
  `
  CREATE INDEX failed_paths_path ON failed_paths (file_path);
  CREATE TABLE coverage_files (
    dir TEXT NOT NULL,
    name TEXT NOT NULL,
    cat INTEGER NOT NULL,
    PRIMARY KEY (dir, name)
  ) WITHOUT ROWID;
  CREATE TABLE coverage_counts (
    dir TEXT NOT NULL,
    cat INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (dir, cat)
  ) WITHOUT ROWID;
  CREATE VIEW coverage_touch (path, head) AS SELECT NULL, NULL WHERE 0;
  -- Only when the path's category changes (most writes leave it as it was: nothing to do).
  CREATE TRIGGER coverage_touch_path INSTEAD OF INSERT ON coverage_touch
    WHEN (SELECT cat FROM coverage_files WHERE ${thisPath}) IS NOT ${categoryOf('NEW.path')}
  BEGIN
    UPDATE coverage_counts SET n = n - 1
      WHERE dir = ${dirOf('NEW.head')} AND cat = (SELECT cat FROM coverage_files WHERE ${thisPath});
    DELETE FROM coverage_counts WHERE dir = ${dirOf('NEW.head')} AND n = 0;
    DELETE FROM coverage_files WHERE ${thisPath};
    INSERT INTO coverage_files (dir, name, cat)
      SELECT ${dirOf('NEW.head')}, ${nameOf('NEW.path', 'NEW.head')}, cat FROM (SELECT ${categoryOf('NEW.path')} AS cat) WHERE cat IS NOT NULL;
    INSERT INTO coverage_counts (dir, cat, n)
      SELECT dir, cat, 1 FROM coverage_files WHERE ${thisPath}
      ON CONFLICT (dir, cat) DO UPDATE SET n = n + 1;
  END;
  ${COVERAGE_SOURCES.map(([t, c]) => coverageTriggers(t, c)).join('\n')}
  INSERT INTO coverage_files (dir, name, cat)
    SELECT ${dirOf(headOf('path'))}, ${nameOf('path', headOf('path'))}, min(cat) FROM (
      ${COVERAGE_SOURCES.map(([t, c, cat]) => `SELECT ${c} AS path, ${cat} AS cat FROM ${t}`).join('\n      UNION ALL ')}
    ) GROUP BY path;
  INSERT INTO coverage_counts (dir, cat, n) SELECT dir, cat, count(*) FROM coverage_files GROUP BY dir, cat;
  `,
  // 12 (search): the English gloss of a document's German and French passages (ai/gloss.ts), indexed
  // beside its text so that English query words meet a German or French document. NULL: not glossed
  // yet — the library's documents not classified English, which the engine glosses in the background;
  // '' (the default, for writers that know nothing of glosses): none. documents_fts gets the column:
  // dropped, made again with it, and rebuilt from the documents.
  `
  DROP TRIGGER documents_fts_insert;
  DROP TRIGGER documents_fts_delete;
  DROP TRIGGER documents_fts_update;
  DROP TABLE documents_fts;
  ALTER TABLE documents ADD COLUMN gloss TEXT DEFAULT '';
  UPDATE documents SET gloss = NULL WHERE language IS NOT 'en';
  CREATE INDEX documents_unglossed ON documents (id) WHERE gloss IS NULL;
  CREATE VIRTUAL TABLE documents_fts USING fts5 (
    title, content, summary, tags, correspondent, filename, gloss,
    content = 'documents', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, content, summary, tags, correspondent, filename, gloss)
    VALUES (new.id, new.title, new.content, new.summary, new.tags, new.correspondent, new.filename, new.gloss);
  END;
  CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, content, summary, tags, correspondent, filename, gloss)
    VALUES ('delete', old.id, old.title, old.content, old.summary, old.tags, old.correspondent, old.filename, old.gloss);
  END;
  CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, content, summary, tags, correspondent, filename, gloss ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, content, summary, tags, correspondent, filename, gloss)
    VALUES ('delete', old.id, old.title, old.content, old.summary, old.tags, old.correspondent, old.filename, old.gloss);
    INSERT INTO documents_fts (rowid, title, content, summary, tags, correspondent, filename, gloss)
    VALUES (new.id, new.title, new.content, new.summary, new.tags, new.correspondent, new.filename, new.gloss);
  END;
  INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');
  `,
];
