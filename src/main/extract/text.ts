import { open } from 'node:fs/promises';
import { IntakeError } from '../../shared/errors';
import type { ExtractResult } from './types';

/** Bytes read from a text file; the pipeline uses only the first megabytes anyway. */
export const TEXT_BYTE_CAP = 8 * 1024 * 1024;
/** Bytes inspected to tell text from binary. */
const SNIFF_BYTES = 64 * 1024;

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * Reads the start of a text file (never the whole of a huge one), detects its
 * encoding and refuses binary content.
 */
export async function extractTextFile(path: string, byteCap = TEXT_BYTE_CAP): Promise<ExtractResult> {
  const fh = await open(path, 'r');
  let bytes: Buffer;
  let size: number;
  try {
    size = (await fh.stat()).size;
    const want = Math.min(size, byteCap);
    bytes = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await fh.read(bytes, got, want - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    bytes = bytes.subarray(0, got);
  } finally {
    await fh.close();
  }
  const truncated = size > bytes.length;
  const text = decodeText(bytes, truncated);
  return truncated ? { text, source: 'text', truncated } : { text, source: 'text' };
}

/** Decodes bytes as text; `cut` says the buffer may end inside a character. */
export function decodeText(bytes: Uint8Array, cut = false): string {
  const { encoding, bomLength } = detectEncoding(bytes);
  let body = bytes.subarray(bomLength);
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    if (body.length % 2) body = body.subarray(0, body.length - 1);
  } else if (isBinary(body)) {
    throw new IntakeError('text_binary', 'binary content in a text file');
  }
  if (encoding === 'utf-8' && cut) body = body.subarray(0, utf8CompleteLength(body));
  return new TextDecoder(encoding).decode(body);
}

/** BOM first, then strict UTF-8, then windows-1252 (which decodes any byte). */
export function detectEncoding(bytes: Uint8Array): { encoding: TextEncoding; bomLength: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  const bomless16 = sniffUtf16(bytes);
  if (bomless16) return { encoding: bomless16, bomLength: 0 };
  const sample = bytes.subarray(0, utf8CompleteLength(bytes));
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return { encoding: 'utf-8', bomLength: 0 };
  } catch {
    return { encoding: 'windows-1252', bomLength: 0 };
  }
}

/** UTF-16 without a BOM: ASCII-range text leaves NULs in every other byte. */
function sniffUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, SNIFF_BYTES) & ~1;
  if (n < 8) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.6 && evenNul < pairs * 0.05) return 'utf-16le';
  if (evenNul > pairs * 0.6 && oddNul < pairs * 0.05) return 'utf-16be';
  return null;
}

/** NUL bytes, or more than 10 % control characters other than whitespace and ESC. */
export function isBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x0b && b !== 0x1b) control++;
  }
  return n > 0 && control / n > 0.1;
}

/** Length of the prefix that does not end inside a UTF-8 sequence. */
function utf8CompleteLength(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= 3 && back <= end; back++) {
    const b = bytes[end - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if (b < 0x80) return end;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return need > back ? end - back : end;
  }
  return end;
}
