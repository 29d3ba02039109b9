// One cleaning rule for every text Intake stores: extracted text and the AI's answers alike.

/** A run of this many NULs (or more) is padding, not text: what follows it is not read. */
export const NUL_RUN_IS_END = 64;

// C0/C1 controls except tab, newline, carriage return and form feed; bidi embeddings,
// overrides and isolates (U+202A–U+202E, U+2066–U+2069); the BOM as a stray character.
// eslint-disable-next-line no-control-regex
const INVISIBLE_RE = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const BIDI_OR_CONTROL_RE = new RegExp(INVISIBLE_RE.source);
const NUL_RUN_RE = new RegExp(`\\u0000{${NUL_RUN_IS_END},}`);

/** Removes control characters and bidi overrides (they reorder or hide what a person sees). */
export function stripInvisible(s: string): string {
  return BIDI_OR_CONTROL_RE.test(s) ? s.replace(INVISIBLE_RE, '') : s;
}

/** Extracted text as stored: ends at the first long NUL run (padded logs, preallocated files), then stripped. */
export function cleanExtractedText(text: string): string {
  const m = NUL_RUN_RE.exec(text);
  return stripInvisible(m ? text.slice(0, m.index) : text);
}

/** True when a piece of text holds at least one letter or digit: anything else is not worth embedding. */
export function hasWordCharacters(s: string): boolean {
  return /[\p{L}\p{N}]/u.test(s);
}
