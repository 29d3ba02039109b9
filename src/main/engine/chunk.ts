import { hasWordCharacters } from '../../shared/clean-text';

/**
 * Splits text into ~size-character chunks, preferring paragraph, then sentence,
 * then word boundaries, with `overlap` characters repeated between neighbours.
 */
export function chunkText(text: string, size = 1000, overlap = 150): string[] {
  const clean = text.replace(/\r\n?/g, '\n').replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
  if (!clean) return [];
  if (clean.length <= size) return hasWordCharacters(clean) ? [clean] : [];
  const chunks: string[] = [];
  let start = 0;
  while (start < clean.length) {
    let end = Math.min(clean.length, start + size);
    if (end < clean.length) {
      const window = clean.slice(start, end);
      const min = Math.floor(size * 0.5);
      const para = window.lastIndexOf('\n\n');
      const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('.\n'), window.lastIndexOf('? '), window.lastIndexOf('! '));
      const space = window.lastIndexOf(' ');
      const cut = para >= min ? para + 2 : sentence >= min ? sentence + 2 : space >= min ? space + 1 : window.length;
      end = start + cut;
    }
    const piece = clean.slice(start, end).trim();
    // A chunk of only symbols or padding means nothing to search and costs an embedding.
    if (piece && hasWordCharacters(piece)) chunks.push(piece);
    if (end >= clean.length) break;
    let next = Math.max(end - overlap, start + 1);
    // Start the overlap on a word boundary.
    const ws = clean.indexOf(' ', next);
    if (ws !== -1 && ws < end) next = ws + 1;
    start = next;
  }
  return chunks;
}
