/**
 * What each failure code means to a user, and what to do next. One table, used by the
 * inspector's detail pane, the grid's tooltips and the Copy error report: the words are
 * decided once, here, from the stable code (never by parsing messages).
 */
import type { ErrorCode, FailedFile } from './domain';
import { CODE_LABEL } from './errors';

export interface FailureHelp {
  /** Why it failed, in one short sentence. */
  cause: string;
  /** What to do about it. */
  next: string;
}

type Context = Pick<FailedFile, 'errorCode' | 'fingerprint'>;

const RETRY = 'then use Retry this group (or Reset & reprocess on one file).';
const AI_SERVER = 'Check the AI server in Settings (Test connection)';

const HELP: Record<ErrorCode, FailureHelp | ((c: Context) => FailureHelp)> = {
  file_unreadable: { cause: 'Intake is not allowed to read this file.', next: `Give your user read permission on the file (or its folder), ${RETRY}` },
  file_vanished: { cause: 'The file was moved or deleted before it could be read.', next: 'If it still exists elsewhere, ingest that folder; otherwise Reset to forget it.' },
  file_busy: { cause: 'The file was still being written while Intake read it.', next: `Wait until the copy or download has finished, ${RETRY}` },
  io_error: { cause: 'The disk or network share reported a read error.', next: `Check that the drive or share is connected, ${RETRY}` },
  file_empty: { cause: 'The file is empty (0 bytes).', next: 'Nothing to ingest: replace it with the real document, or Reset to forget it.' },
  pdf_encrypted: {
    cause: 'This PDF is password-protected.',
    next: 'Remove the password (or export an unprotected copy), then Reset & reprocess.',
  },
  pdf_corrupt: { cause: 'The PDF is damaged or incomplete (for example a download that stopped early).', next: 'Get a complete copy of the file, then Reset & reprocess.' },
  docx_corrupt: { cause: 'The Word document is damaged or not really a .docx file.', next: 'Open and re-save it in a word processor, then Reset & reprocess.' },
  document_corrupt: { cause: 'The document is damaged or not really the format its name says.', next: 'Open and re-save it in the program that made it, then Reset & reprocess.' },
  document_encrypted: { cause: 'This document is password-protected.', next: 'Remove the password (save an unprotected copy), then Reset & reprocess.' },
  document_too_complex: {
    cause: 'The document nests its parts (tables inside tables…) deeper than Intake can read.',
    next: 'Open it and flatten the nesting (or save it as PDF), then Reset & reprocess.',
  },
  text_encoding_unknown: {
    cause: 'The text file uses a character encoding Intake could not recognise with confidence.',
    next: 'Re-save the file as UTF-8 in a text editor, then Reset & reprocess.',
  },
  text_binary: { cause: 'The file is named like text but holds binary data.', next: 'Check what the file really is; rename it with the right extension, or Reset to forget it.' },
  text_insufficient: (c) =>
    c.fingerprint.ocr === false
      ? { cause: 'The file has too little text of its own and OCR was off, so its pages could not be read as images.', next: 'Turn OCR on in Settings, then Retry this group.' }
      : { cause: 'The file has too little text to classify.', next: 'Nothing to fix in Intake: add text to the document, or Reset to forget it.' },
  file_too_large: { cause: 'The file is larger than Intake reads.', next: 'Split it into smaller files, then ingest those.' },
  ocr_failed: { cause: 'Text recognition could not read the image.', next: `Check that the scan opens in an image viewer; re-scan it if not, ${RETRY}` },
  ocr_timeout: {
    cause: 'Text recognition took longer than the time limit.',
    next: 'Raise the OCR time limit or lower the OCR page cap in Settings, then Retry this group.',
  },
  ocr_no_text: { cause: 'The scan has no readable text (a blank page or very faint print).', next: 'If it should have text, re-scan it darker or at a higher resolution; otherwise Reset to forget it.' },
  ocr_language_missing: {
    cause: 'An OCR language chosen in Settings is not installed.',
    next: 'Pick installed languages in Settings → OCR languages (or add the language there), then Retry this group.',
  },
  image_corrupt: { cause: 'The image is damaged or in a format that cannot be decoded.', next: 'Open it in an image viewer and re-save it as PNG or JPEG, then Reset & reprocess.' },
  image_too_large: { cause: 'The image has more pixels than Intake reads.', next: 'Scale it down (for example to 300 dpi), then Reset & reprocess.' },
  extractor_crashed: { cause: 'The reader process crashed on this file.', next: `The file is probably malformed: re-save or re-export it, ${RETRY}` },
  extractor_oom: { cause: 'Reading this file needed more memory than allowed.', next: 'Split the file or lower the OCR page cap in Settings, then Reset & reprocess.' },
  ai_rate_limited: { cause: 'The AI server refused further requests for now (rate limit).', next: `Wait a few minutes or lower Concurrency in Settings, ${RETRY}` },
  ai_server_error: { cause: 'The AI server answered with an error.', next: `${AI_SERVER} and its logs, ${RETRY}` },
  ai_timeout: { cause: 'The AI server did not answer in time.', next: `${AI_SERVER}: is the model loaded and the machine not overloaded? ${capital(RETRY)}` },
  ai_connection: { cause: 'The AI server could not be reached.', next: `${AI_SERVER}: is it running, and is the base URL right? ${capital(RETRY)}` },
  ai_bad_output: { cause: 'The AI model answered, but not in the expected form.', next: `Try another chat model in Settings (or the Local provider), ${RETRY}` },
  ai_auth: { cause: 'The AI server rejected the API key.', next: `Enter a valid API key in Settings and press Test connection, ${RETRY}` },
  ai_model_missing: { cause: 'The AI server does not have the chosen model.', next: `Choose a model the server offers in Settings (Test connection lists the problem), ${RETRY}` },
  ai_response_too_large: { cause: 'The AI server sent an answer far larger than any classification needs.', next: `Check the chat model and server in Settings (a wrong endpoint can answer with a whole page), ${RETRY}` },
  ai_dimension_changed: {
    cause: 'The embedding model now returns vectors of another size than the library holds.',
    next: 'Choose the embedding model the library was built with in Settings, or re-embed the library, then Retry this group.',
  },
  ai_unavailable: { cause: 'The AI server is temporarily unavailable.', next: `${AI_SERVER} later, ${RETRY}` },
  db_error: { cause: 'The library could not save the result.', next: `Check free disk space and that no other program locks the library, ${RETRY}` },
  unknown: { cause: 'Something unexpected went wrong while reading this file.', next: 'Use Copy error and report it; Reset & reprocess may work if it was a one-off.' },
};

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The human cause and the next step for a failed row. */
export function failureHelp(row: Context): FailureHelp {
  const h = HELP[row.errorCode] ?? HELP.unknown;
  return typeof h === 'function' ? h(row) : h;
}

/** A stored reason as the UI shows it: one style, sentence case. */
export function sentenceCase(text: string): string {
  const t = text.trim();
  return t ? t.charAt(0).toUpperCase() + t.slice(1) : t;
}

const words = (s: string) => s.toLowerCase().replace(/[^a-z0-9 ]/g, ' ').split(/\s+/).filter(Boolean);

/**
 * The grid's Reason cell: the stored reason, unless it only repeats the Error column's label
 * (then the cause says something the label does not).
 */
export function reasonText(row: Context & Pick<FailedFile, 'reason'>): string {
  const label = words(CODE_LABEL[row.errorCode] ?? row.errorCode);
  const reason = words(row.reason);
  const shared = reason.filter((w) => label.includes(w)).length;
  if (!reason.length || shared >= Math.max(1, reason.length - 1)) return failureHelp(row).cause;
  return sentenceCase(row.reason);
}

/** Control characters, newlines and tabs shown as escapes: a file name never becomes several lines. */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Copy error: one line per field, every value escaped; no stack, no source paths of the app. */
export function errorReport(row: FailedFile, nowIso: (ts: number) => string): string {
  const help = failureHelp(row);
  const fields: [string, string][] = [
    ['File', row.filePath],
    ['Stage', row.stage],
    ['Code', row.errorCode],
    ['Class', row.failureClass],
    ['Reason', sentenceCase(row.reason)],
    ['Message', stripAppPaths(row.errorMessage)],
    ['Cause', help.cause],
    ['Next step', help.next],
    ['When', nowIso(row.failedAt)],
    ['Attempts', String(row.attempts)],
  ];
  return fields.map(([k, v]) => `${k}: ${escapeControls(v)}`).join('\n');
}

/** Removes paths into the app's own files (its node_modules, its built out/ folder) that may sit in an error message. */
function stripAppPaths(message: string): string {
  return message.replace(/(?:file:\/\/)?(?:\/[^\s:()'"]+)*\/(?:node_modules|out\/(?:main|preload|renderer))\/[^\s:()'"]+(?::\d+)*/g, '<app>');
}
