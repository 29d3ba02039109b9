/** Letters and digits: what counts as "meaningful" text. */
export function meaningfulChars(text: string): number {
  return countOf(text, LETTER_OR_DIGIT);
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/gu;
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Characters (code points) of `text` that `re` (global, one character per match) matches. Counted from
 * the length of what is left once they are removed, not from an array of one string per match (that
 * array was ≈ 4 % of a PDF text layer's CPU, issue 15); a text with surrogates, where a code point may be
 * two units, is counted match by match.
 */
export function countOf(text: string, re: RegExp): number {
  if (SURROGATE.test(text)) return text.match(re)?.length ?? 0;
  return text.length - text.replace(re, '').length;
}

export const MIN_MEANINGFUL_CHARS = 20;

/**
 * True when extracted text is too short or looks like garbage (a broken text
 * layer: mostly symbols, replacement characters, or no real words).
 */
export function isInsufficient(text: string): boolean {
  return insufficientWhy(text) !== null;
}

/** Judged on the first characters: enough to tell text from junk, cheap on an 8 MB file. */
const SAMPLE_CHARS = 20_000;

/**
 * Why extracted text is not usable, in words a person can check (null when it is): too short,
 * mostly symbols, replacement characters, or no words. Never "only N characters" for a text that has millions.
 */
export function insufficientWhy(text: string): string | null {
  if (text.length <= SAMPLE_CHARS) return sampleWhy(text, 'in it');
  // A long text is judged at five places: a junk header (a binary preamble, a dump) does not sink the text after it.
  const first = sampleWhy(text.slice(0, SAMPLE_CHARS), `in its first ${SAMPLE_CHARS.toLocaleString('en-US')} characters`);
  if (first === null) return null;
  for (const at of [0.25, 0.5, 0.75, 1]) {
    const start = Math.floor((text.length - SAMPLE_CHARS) * at);
    if (sampleWhy(text.slice(start, start + SAMPLE_CHARS), '') === null) return null;
  }
  return `${first.slice(0, -1)}, nor anywhere else sampled in its ${text.length.toLocaleString('en-US')} characters.`;
}

function sampleWhy(sample: string, where: string): string | null {
  const meaningful = meaningfulChars(sample);
  if (meaningful < MIN_MEANINGFUL_CHARS) {
    return meaningful === 0 ? `The text has no letters or digits ${where}.` : `The text has only ${meaningful} letters or digits ${where} (at least ${MIN_MEANINGFUL_CHARS} are needed).`;
  }
  const visible = sample.replace(/\s/g, '').length;
  // Text layers of scanned PDFs often hold glyph junk: few letters among symbols.
  const share = meaningful / visible;
  if (share < 0.5) return `The text is mostly symbols: ${Math.round(share * 100)} % letters or digits ${where} (at least 50 % are needed).`;
  const replacement = (sample.match(/\uFFFD/g) ?? []).length;
  if (replacement / visible > 0.1) return `The text is ${Math.round((replacement / visible) * 100)} % undecodable characters (\uFFFD) ${where}.`;
  // Real text has words of 2+ letters.
  const words = (sample.match(/\p{L}{2,}/gu) ?? []).length;
  if (words < 3) return `The text has no words ${where}: ${words} run${words === 1 ? '' : 's'} of two or more letters among ${meaningful} letters or digits (numbers or codes only?).`;
  return null;
}
