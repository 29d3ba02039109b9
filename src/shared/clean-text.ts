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

// Terminal escape sequences (colours, cursor moves, OSC titles) as whole sequences: stripping only
// the ESC byte would leave "[1m" in a title taken from a coloured log or man page.
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|[@-Z\\-_])|\u009B[0-?]*[ -/]*[@-~]/g;
/**
 * Overstrike from man-page output: bold "N\bN" and underline "_\bN" / "N\b_" show one "N".
 * Any other backspace is a stray control character and goes with the others, keeping both letters.
 */
// eslint-disable-next-line no-control-regex
const OVERSTRIKE_RE = /([^\n])\u0008\1|_\u0008([^\n])|([^\n])\u0008_/g;

/** Removes terminal escape sequences and overstrike. */
export function stripTerminalCodes(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u001B\u009B\u0008]/.test(s)) return s;
  return s.replace(ANSI_RE, '').replace(OVERSTRIKE_RE, (_m, bold: string | undefined, under: string | undefined, under2: string | undefined) => bold ?? under ?? under2 ?? '');
}

/**
 * Extracted text as stored and as every provider sees it: ends at the first long NUL run (padded
 * logs, preallocated files), loses terminal escape sequences, then control characters (tabs and
 * newlines stay), and runs of spaces and blank lines are collapsed.
 */
export function cleanExtractedText(text: string): string {
  const m = NUL_RUN_RE.exec(text);
  const cut = m ? text.slice(0, m.index) : text;
  return stripInvisible(stripTerminalCodes(cut))
    .replace(/\r\n?/g, '\n')
    .replace(/[ \u00A0]{2,}(?=\S)/g, (run) => (run.length >= 3 ? '   ' : '  '))
    .replace(/[ \t\u00A0]+$/gm, '')
    .replace(/\n{4,}/g, '\n\n\n');
}

/** True when a piece of text holds at least one letter or digit: anything else is not worth embedding. */
export function hasWordCharacters(s: string): boolean {
  return /[\p{L}\p{N}]/u.test(s);
}
