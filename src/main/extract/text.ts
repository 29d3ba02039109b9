import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import iconv from 'iconv-lite';
import type { Extraction } from '../../shared/domain';
import { IntakeError } from '../../shared/errors';
import type { ExtractResult } from './types';

/** Bytes read from a text file; the pipeline uses only the first megabytes anyway. */
export const TEXT_BYTE_CAP = 8 * 1024 * 1024;
/** Bytes inspected to tell text from binary, and handed to the charset detector. */
const SNIFF_BYTES = 64 * 1024;
/**
 * The charset detector's confidence (0–1) below which its guess is not trusted.
 * Measured on the samples in test/extract/encoding-samples.ts: real text in a
 * legacy encoding scores 0.29–1.0 from 200 bytes up, random high bytes ≤ 0.16.
 */
export const MIN_DETECT_CONFIDENCE = 0.25;
/**
 * Western single-byte text has few non-ASCII bytes, so the detector scores it
 * low (0.04 for "Grüße aus Köln, Façade, naïve"). A Western guess is taken at
 * any confidence when most of its accented letters sit beside ASCII letters
 * ("Grüße"), which Cyrillic or Greek bytes read as windows-1252 never do ("Óâàæàåìûé").
 */
const LATIN_NEIGHBOUR_SHARE = 0.5;
/** Bytes handed to the charset detector (≈ 10 ms per KiB; 200 bytes already suffice on the samples). */
const DETECT_BYTES = 16 * 1024;
/** Stray bytes tolerated in otherwise valid UTF-8 (replaced by U+FFFD): this many, or a tenth of its multi-byte characters. */
const UTF8_STRAY_BYTES = 8;
const LATIN = new Set(['windows-1252', 'iso-8859-1', 'iso-8859-15']);

export interface DecodedText {
  text: string;
  extraction: Extraction;
}

/** Reads up to `byteCap` bytes of a file; `truncated` when it is longer. */
export async function readHead(path: string, byteCap: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const want = Math.min(size, byteCap);
    const bytes = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await fh.read(bytes, got, want - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { bytes: bytes.subarray(0, got), truncated: size > got };
  } finally {
    await fh.close();
  }
}

/**
 * Reads the start of a text file (never the whole of a huge one), detects its
 * encoding and refuses binary content.
 */
export async function extractTextFile(path: string, byteCap = TEXT_BYTE_CAP): Promise<ExtractResult> {
  const { bytes, truncated } = await readHead(path, byteCap);
  return textResult(bytes, truncated);
}

/**
 * The bytes as text when that needs no charset detection (a BOM, UTF-8 with at
 * most a few stray bytes); null when it does. The engine decodes small files
 * itself this way and leaves detection (≈ 10 ms per KiB) to the extractor process.
 */
export function quickTextResult(bytes: Uint8Array): ExtractResult | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!byteOrderMark(buf) && !sniffWide(buf)) {
    const utf8 = utf8Check(buf);
    if (!(utf8.invalid === 0 || (utf8.multibyte > 0 && utf8.invalid <= Math.max(UTF8_STRAY_BYTES, utf8.multibyte / 10)))) return null;
  }
  return textResult(buf);
}

/** A plain-text file's bytes as an extraction result. */
export function textResult(bytes: Uint8Array, truncated = false): ExtractResult {
  const { text, extraction } = decodeText(bytes, { cut: truncated });
  return truncated ? { text, source: 'text', truncated, extraction } : { text, source: 'text', extraction };
}

/**
 * Decodes bytes as text: a byte-order mark first (UTF-8/16/32), then the
 * file's own declaration (`declared`, e.g. an HTML meta charset), then UTF-8
 * that tolerates a few bad bytes, then the charset detector. A guess the
 * detector is not sure of fails with `text_encoding_unknown` — never mojibake.
 * `cut` says the buffer may end inside a character.
 */
export function decodeText(bytes: Uint8Array, opts: { cut?: boolean; declared?: string | null } = {}): DecodedText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = byteOrderMark(buf);
  if (bom) return { text: decodeWide(buf.subarray(bom.length), bom.encoding, opts.cut), extraction: { encoding: bom.encoding, encodingFrom: 'bom' } };
  const wide = sniffWide(buf);
  if (wide) return { text: decodeWide(buf, wide, opts.cut), extraction: { encoding: wide, encodingFrom: 'detected' } };
  if (isBinary(buf)) throw new IntakeError('text_binary', 'binary content in a text file');

  const body = opts.cut ? buf.subarray(0, utf8CompleteLength(buf)) : buf;
  const declared = canonicalEncoding(opts.declared);
  if (declared && declared !== 'utf-8') {
    const text = stripCutTail(iconv.decode(body, declared), opts.cut);
    if (plausible(text)) return { text, extraction: { encoding: declared, encodingFrom: 'declared' } };
  }

  const utf8 = utf8Check(body);
  if (utf8.invalid === 0) {
    return { text: utf8.text, extraction: { encoding: 'utf-8', encodingFrom: utf8.multibyte ? (declared ? 'declared' : 'utf-8') : 'ascii' } };
  }
  // A few stray bytes in otherwise valid UTF-8 (a Latin-1 "é" pasted in): read them as Windows-1252, keep the rest.
  if (utf8.multibyte > 0 && utf8.invalid <= Math.max(UTF8_STRAY_BYTES, utf8.multibyte / 10)) {
    return { text: stripCutTail(utf8WithStrayBytes(body), opts.cut), extraction: { encoding: 'utf-8', encodingFrom: declared ? 'declared' : 'utf-8', replacedBytes: utf8.invalid } };
  }
  return detectLegacy(body, opts.cut);
}

/** The charset detector (jschardet), then iconv-lite; refuses a guess that is unsure or decodes to junk. */
function detectLegacy(body: Buffer, cut = false): DecodedText {
  const sample = body.subarray(0, DETECT_BYTES);
  const guess = detector().detect(sample);
  const confidence = Math.round((guess.confidence ?? 0) * 100) / 100;
  let encoding = canonicalEncoding(guess.encoding);
  const highShare = highBytes(sample) / Math.max(1, sample.length);
  // Latin-1 bytes 0x80–0x9F are C1 controls; in real files they are windows-1252 (as browsers read them).
  if (encoding === 'iso-8859-1' || encoding === 'ascii') encoding = 'windows-1252';
  const text = encoding ? stripCutTail(iconv.decode(body, encoding), cut) : '';
  const sure = encoding !== null && (LATIN.has(encoding) ? latinWords(text) : confidence >= MIN_DETECT_CONFIDENCE);
  if (encoding && sure && plausible(text)) {
    return { text, extraction: { encoding, encodingFrom: 'detected', encodingConfidence: confidence } };
  }
  // Mostly ASCII with a handful of odd bytes: windows-1252 loses nothing but those bytes' meaning.
  if (highShare <= 0.005) {
    const latin = stripCutTail(iconv.decode(body, 'windows-1252'), cut);
    if (plausible(latin)) return { text: latin, extraction: { encoding: 'windows-1252', encodingFrom: 'detected', encodingConfidence: confidence } };
  }
  throw new IntakeError('text_encoding_unknown', 'text encoding unknown', {
    message: guess.encoding
      ? `The text is not UTF-8, and the charset detector's best guess (${guess.encoding}, confidence ${confidence}) is too unsure to decode it without garbling it.`
      : 'The text is not UTF-8 and the charset detector recognised no encoding.',
  });
}

type Detector = Pick<typeof import('jschardet'), 'detect'>;
let jschardet: Detector | null = null;
/** Loaded on first use (≈ 200 ms): most files are UTF-8 and never need it. */
function detector(): Detector {
  jschardet ??= createRequire(import.meta.url)('jschardet') as Detector;
  return jschardet;
}

/** iconv-lite's name for a label (case and aliases), or null if it has no such decoder. */
export function canonicalEncoding(label: string | null | undefined): string | null {
  if (!label) return null;
  let name = label.trim().toLowerCase().replace(/^x-/, '');
  if (name === 'utf8') name = 'utf-8';
  if (name === 'latin1' || name === 'us-ascii') name = 'windows-1252';
  if (name === 'sjis' || name === 'cp932' || name === 'windows-31j') name = 'shift_jis';
  if (name === 'gb2312' || name === 'gbk') name = 'gb18030';
  if (name === 'iso8859-15') name = 'iso-8859-15';
  return iconv.encodingExists(name) ? name : null;
}

type WideEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

function byteOrderMark(b: Buffer): { encoding: WideEncoding; length: number } | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0 && b.length >= 4) return { encoding: 'utf-32le', length: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { encoding: 'utf-32be', length: 4 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

function decodeWide(body: Buffer, encoding: WideEncoding, cut = false): string {
  if (encoding === 'utf-8') return utf8Check(cut ? body.subarray(0, utf8CompleteLength(body)) : body).text;
  const unit = encoding.startsWith('utf-32') ? 4 : 2;
  const whole = body.subarray(0, body.length - (body.length % unit));
  return unit === 2 ? new TextDecoder(encoding).decode(whole) : iconv.decode(whole, encoding);
}

/** UTF-16/32 without a BOM: text in the first planes leaves NULs in fixed byte positions. */
function sniffWide(b: Uint8Array): WideEncoding | null {
  const n = Math.min(b.length, SNIFF_BYTES) & ~3;
  if (n < 8) return null;
  const nul = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (b[i] === 0) nul[i & 3]++;
  const quads = n / 4;
  const zero = (k: number) => nul[k] > quads * 0.9;
  const some = (k: number) => nul[k] < quads * 0.5;
  if (zero(2) && zero(3) && some(0)) return 'utf-32le';
  if (zero(0) && zero(1) && some(3)) return 'utf-32be';
  const pairs = n / 2;
  const even = nul[0] + nul[2];
  const odd = nul[1] + nul[3];
  if (odd > pairs * 0.6 && even < pairs * 0.05) return 'utf-16le';
  if (even > pairs * 0.6 && odd < pairs * 0.05) return 'utf-16be';
  return null;
}

/** Decodes as UTF-8 with replacement, counting bad sequences and good multi-byte characters. */
function utf8Check(b: Buffer): { text: string; invalid: number; multibyte: number } {
  const text = new TextDecoder('utf-8').decode(b);
  let replaced = 0;
  let high = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) replaced++;
    else if (c > 0x7f && !(c >= 0xdc00 && c <= 0xdfff)) high++;
  }
  // U+FFFD present in the file itself (EF BF BD) is not a decoding error.
  const literal = b.indexOf('\ufffd') < 0 ? 0 : countLiteralReplacement(b);
  return { text, invalid: Math.max(0, replaced - literal), multibyte: high + Math.min(replaced, literal) };
}

/**
 * UTF-8 where it is valid; each byte that starts no valid sequence is read as Windows-1252
 * (a stray byte in UTF-8 text is nearly always a Latin-1 letter pasted in), not U+FFFD.
 */
function utf8WithStrayBytes(b: Buffer): string {
  const utf8 = new TextDecoder('utf-8');
  const cp1252 = new TextDecoder('windows-1252');
  let out = '';
  let start = 0;
  let i = 0;
  while (i < b.length) {
    const x = b[i];
    const n = x < 0x80 ? 1 : x >= 0xc2 && x <= 0xdf ? 2 : x >= 0xe0 && x <= 0xef ? 3 : x >= 0xf0 && x <= 0xf4 ? 4 : 0;
    let ok = n > 0 && i + n <= b.length;
    for (let k = 1; ok && k < n; k++) ok = (b[i + k] & 0xc0) === 0x80;
    // Overlong forms, surrogates and code points past U+10FFFF are not valid UTF-8 either.
    if (ok && n >= 3) {
      const y = b[i + 1];
      if ((x === 0xe0 && y < 0xa0) || (x === 0xed && y >= 0xa0) || (x === 0xf0 && y < 0x90) || (x === 0xf4 && y >= 0x90)) ok = false;
    }
    if (ok) {
      i += n;
      continue;
    }
    // A sequence cut by the end of the buffer is left to stripCutTail.
    if (n > 1 && i + n > b.length) break;
    out += utf8.decode(b.subarray(start, i)) + cp1252.decode(b.subarray(i, i + 1));
    i++;
    start = i;
  }
  return out + utf8.decode(b.subarray(start));
}

function countLiteralReplacement(b: Buffer): number {
  let n = 0;
  for (let at = b.indexOf('\ufffd'); at >= 0; at = b.indexOf('\ufffd', at + 3)) n++;
  return n;
}

function highBytes(b: Uint8Array): number {
  let n = 0;
  for (const x of b) if (x >= 0x80) n++;
  return n;
}

/**
 * Decoded text a person could read: no replacement characters or C1 controls,
 * and its non-ASCII characters are letters, marks, punctuation or currency —
 * not box drawing and symbols, which is what a wrong single-byte guess gives.
 */
export function plausible(text: string): boolean {
  const sample = text.length > SNIFF_BYTES ? text.slice(0, SNIFF_BYTES) : text;
  let other = 0;
  let wordish = 0;
  for (const ch of sample) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) continue;
    if (c === 0xfffd || (c >= 0x80 && c <= 0x9f)) return false;
    if (/[\p{L}\p{M}\p{P}\p{Sc}\p{Zs}\p{N}°§©®™×÷±µ]/u.test(ch)) wordish++;
    else other++;
  }
  return other <= (wordish + other) * 0.05;
}

/** Most non-ASCII letters have an ASCII letter beside them: accented Western words, not another script read as Latin. */
function latinWords(text: string): boolean {
  const sample = text.length > SNIFF_BYTES ? text.slice(0, SNIFF_BYTES) : text;
  const ascii = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);
  let accented = 0;
  let beside = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample[i];
    if (c < '\x80' || !/\p{L}/u.test(c)) continue;
    accented++;
    if (ascii(sample[i - 1]) || ascii(sample[i + 1])) beside++;
  }
  return beside >= accented * LATIN_NEIGHBOUR_SHARE;
}

/** A buffer cut mid-character decodes to a trailing U+FFFD: drop it. */
function stripCutTail(text: string, cut = false): string {
  return cut ? text.replace(/\uFFFD+$/, '') : text;
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
