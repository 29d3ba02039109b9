/** Letters and digits: what counts as "meaningful" text. */
export function meaningfulChars(text: string): number {
  const m = text.match(/[\p{L}\p{N}]/gu);
  return m ? m.length : 0;
}

export const MIN_MEANINGFUL_CHARS = 20;

/**
 * True when extracted text is too short or looks like garbage (a broken text
 * layer: mostly symbols, replacement characters, or no real words).
 */
export function isInsufficient(text: string): boolean {
  const sample = text.length > 20_000 ? text.slice(0, 20_000) : text;
  const meaningful = meaningfulChars(sample);
  if (meaningful < MIN_MEANINGFUL_CHARS) return true;
  const visible = sample.replace(/\s/g, '').length;
  if (visible === 0) return true;
  // Text layers of scanned PDFs often hold glyph junk: few letters among symbols.
  if (meaningful / visible < 0.5) return true;
  const replacement = (sample.match(/\uFFFD/g) ?? []).length;
  if (replacement / visible > 0.1) return true;
  // Real text has words of 2+ letters.
  const words = sample.match(/\p{L}{2,}/gu) ?? [];
  return words.length < 3;
}
