import type { ErrorCode, FailureClass, LibraryFaultKind, Stage } from './domain';

/** The class of each code: what a user (and the retry logic) can do about it. */
export const CODE_CLASS: Record<ErrorCode, FailureClass> = {
  file_unreadable: 'input',
  file_vanished: 'input',
  file_busy: 'transient',
  io_error: 'transient',
  file_empty: 'input',
  pdf_encrypted: 'input',
  pdf_corrupt: 'input',
  docx_corrupt: 'input',
  document_corrupt: 'input',
  document_encrypted: 'input',
  document_too_complex: 'input',
  text_binary: 'input',
  text_encoding_unknown: 'content',
  text_insufficient: 'content',
  file_too_large: 'input',
  ocr_failed: 'input',
  ocr_timeout: 'transient',
  ocr_no_text: 'content',
  ocr_language_missing: 'config',
  image_corrupt: 'input',
  image_too_large: 'input',
  extractor_crashed: 'input',
  extractor_oom: 'input',
  ai_rate_limited: 'transient',
  ai_server_error: 'transient',
  ai_timeout: 'transient',
  ai_connection: 'transient',
  ai_bad_output: 'content',
  ai_auth: 'config',
  ai_model_missing: 'config',
  ai_unavailable: 'transient',
  ai_response_too_large: 'content',
  ai_dimension_changed: 'config',
  db_error: 'transient',
  unknown: 'input',
};

/** Short human words for each code, used by the UI and the CLI. */
export const CODE_LABEL: Record<ErrorCode, string> = {
  file_unreadable: 'File unreadable',
  file_vanished: 'File vanished',
  file_busy: 'File busy',
  io_error: 'I/O error',
  file_empty: 'File is empty',
  pdf_encrypted: 'PDF is encrypted',
  pdf_corrupt: 'PDF is damaged',
  docx_corrupt: 'DOCX is damaged',
  document_corrupt: 'Document is damaged',
  document_encrypted: 'Document is password-protected',
  document_too_complex: 'Document nested too deeply',
  text_binary: 'Binary content',
  text_encoding_unknown: 'Text encoding unknown',
  text_insufficient: 'Too little text',
  file_too_large: 'File too large',
  ocr_failed: 'OCR failed',
  ocr_timeout: 'OCR timed out',
  ocr_no_text: 'OCR found no text',
  ocr_language_missing: 'OCR language missing',
  image_corrupt: 'Image is damaged',
  image_too_large: 'Image too large',
  extractor_crashed: 'Extractor crashed',
  extractor_oom: 'Extractor ran out of memory',
  ai_rate_limited: 'AI rate limited',
  ai_server_error: 'AI server error',
  ai_timeout: 'AI timed out',
  ai_connection: 'AI unreachable',
  ai_bad_output: 'AI answer invalid',
  ai_auth: 'AI key rejected',
  ai_model_missing: 'AI model missing',
  ai_unavailable: 'AI unavailable',
  ai_response_too_large: 'AI answer too large',
  ai_dimension_changed: 'Embedding size changed',
  db_error: 'Database error',
  unknown: 'Unexpected error',
};

/**
 * An error with a stable code. Every stage throws these; the pipeline turns
 * them into failed_files rows. `reason` is short and human, `message` the detail.
 */
export class IntakeError extends Error {
  readonly code: ErrorCode;
  readonly failureClass: FailureClass;
  readonly reason: string;
  stage?: Stage;
  /** For 429: how long the server asked us to wait. */
  retryAfterMs?: number;

  constructor(code: ErrorCode, reason: string, opts: { message?: string; stage?: Stage; cause?: unknown; failureClass?: FailureClass; retryAfterMs?: number } = {}) {
    super(opts.message ?? reason, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'IntakeError';
    this.code = code;
    this.reason = reason;
    this.failureClass = opts.failureClass ?? CODE_CLASS[code];
    this.stage = opts.stage;
    this.retryAfterMs = opts.retryAfterMs;
  }

  get transient(): boolean {
    return this.failureClass === 'transient';
  }

  /** Plain object for crossing a process boundary. */
  toJSON(): SerializedIntakeError {
    return { code: this.code, reason: this.reason, message: this.message, stage: this.stage, failureClass: this.failureClass, stack: this.stack };
  }

  static fromJSON(e: SerializedIntakeError): IntakeError {
    const err = new IntakeError(e.code, e.reason, { message: e.message, stage: e.stage, failureClass: e.failureClass });
    if (e.stack) err.stack = e.stack;
    return err;
  }
}

export interface SerializedIntakeError {
  code: ErrorCode;
  reason: string;
  message: string;
  stage?: Stage;
  failureClass: FailureClass;
  stack?: string;
}

export function isIntakeError(e: unknown): e is IntakeError {
  return e instanceof IntakeError;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Operating-system error codes (errno names) → failure codes, with one wording for every stage. */
const OS_FAILURES: Record<string, { code: ErrorCode; reason: string }> = {
  ENOENT: { code: 'file_vanished', reason: 'file vanished before it could be read' },
  EACCES: { code: 'file_unreadable', reason: 'permission denied' },
  EPERM: { code: 'file_unreadable', reason: 'permission denied' },
  EISDIR: { code: 'file_unreadable', reason: 'not a regular file' },
  // Permanent: the same path is as long (or as looped) on the next run.
  ENAMETOOLONG: { code: 'file_unreadable', reason: 'path too long for the system' },
  ELOOP: { code: 'file_unreadable', reason: 'too many symbolic links (a link loop)' },
  EBUSY: { code: 'file_busy', reason: 'file is busy' },
  ETXTBSY: { code: 'file_busy', reason: 'file is busy' },
};
const IO_FAILURE = { code: 'io_error', reason: 'read error' } as const;

/** The failure code and words for an OS error code (`io_error` for anything unlisted). */
export function osFailure(errno: string | undefined): { code: ErrorCode; reason: string } {
  return (errno && OS_FAILURES[errno]) || IO_FAILURE;
}

/**
 * The one failure mapper: any thrown value → an IntakeError. Intake errors pass
 * through; OS errors get their file code; SQLite errors (or any error while
 * storing) are `db_error`; the rest is `unknown` with its stack kept.
 */
export function toFailure(e: unknown, stage?: Stage): IntakeError {
  if (isIntakeError(e)) return e;
  const errno = (e as { code?: unknown } | null)?.code;
  const message = errorMessage(e);
  let err: IntakeError;
  if (typeof errno === 'string' && errno.startsWith('SQLITE')) err = new IntakeError('db_error', 'could not be saved to the library', { message, cause: e });
  else if (stage === 'db_insert') err = new IntakeError('db_error', 'could not be saved to the library', { message, cause: e });
  else if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
    const { code, reason } = osFailure(errno);
    return new IntakeError(code, reason, { message });
  } else err = new IntakeError('unknown', 'unexpected error', { message, cause: e });
  if (e instanceof Error && e.stack) err.stack = e.stack;
  return err;
}

const LIBRARY_FAULT_WORDS: Record<LibraryFaultKind, string> = {
  damaged: 'The library is damaged ({detail}): check it with sqlite3 and "PRAGMA integrity_check", then restore it from a backup (or rescue it with sqlite3 ".recover" into a new file).',
  full: 'The disk holding the library is full ({detail}): free some space, then run again.',
  io: 'The library could not be read or written ({detail}): check the disk (dmesg) and the library with "PRAGMA integrity_check", then run again.',
  read_only: 'The library is read-only ({detail}): make the library file and its folder writable for this user, then run again.',
};

/**
 * The library itself failed (SQLITE_CORRUPT, SQLITE_FULL, SQLITE_IOERR, read-only): no file is to
 * blame, so none is marked failed; the run stops and says what to do. The message is one line.
 */
export class LibraryFault extends Error {
  constructor(
    readonly kind: LibraryFaultKind,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${LIBRARY_FAULT_WORDS[kind].replace('{detail}', detail)} No file was marked failed.`, options);
    this.name = 'LibraryFault';
  }
}

/** The library fault an error is (a SQLite error about the file, the disk or the mode), or null. */
export function libraryFault(e: unknown): LibraryFault | null {
  if (e instanceof LibraryFault) return e;
  if (isIntakeError(e) && e.cause !== undefined) return libraryFault(e.cause);
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE')) return null;
  const detail = errorMessage(e).split('\n')[0];
  const kind: LibraryFaultKind | null = code.startsWith('SQLITE_CORRUPT')
    ? 'damaged'
    : code.startsWith('SQLITE_FULL')
      ? 'full'
      : code.startsWith('SQLITE_IOERR')
        ? 'io'
        : code.startsWith('SQLITE_READONLY')
          ? 'read_only'
          : // SQLite rolled the transaction back itself (disk full or I/O error mid-commit): the driver's rollback then finds none.
            /cannot rollback - no transaction is active/.test(detail)
            ? 'io'
            : null;
  return kind ? new LibraryFault(kind, detail, { cause: e }) : null;
}

/**
 * Codes an API call can fail with: the adapters' own, the service's, and the
 * pipeline's ErrorCode (an IntakeError passes through). The renderer turns each into words.
 */
export const API_ERROR_CODES = [
  'invalid_input',
  'unknown_channel',
  'not_implemented',
  'not_supported',
  'internal',
  'path_not_allowed',
  'not_found',
  'run_not_found',
  'fs_error',
  'library_busy',
  'busy',
  'inbox_full',
  'unknown_table',
  'unknown_column',
  'read_only_column',
  'read_only_table',
  'invalid_value',
  'constraint',
  'unauthorized',
  'forbidden',
  'forbidden_host',
  'forbidden_origin',
  'method_not_allowed',
  'unsupported_media_type',
  'payload_too_large',
  'transport',
  'bad_response',
  'http_error',
  'bad_request',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number] | ErrorCode;

/** The one coded error of the API: what a handler throws to answer {ok:false, error:{code, message}}. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
