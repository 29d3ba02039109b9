import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { IntakeError, errorMessage } from '../../shared/errors';
import { htmlToText } from './markup';
import { TEXT_BYTE_CAP, readHead } from './text';
import type { ExtractResult } from './types';

/** ODT and EPUB are zips read in memory: files above this are refused. */
export const ZIP_DOC_BYTE_CAP = 200 * 1024 * 1024;
/** Inflated bytes read from one ODT/EPUB (declared sizes, checked before inflating): a zip bomb stops here. */
export const ZIP_DOC_INFLATE_CAP = 256 * 1024 * 1024;
/** Characters kept from a long book; the pipeline stores far less. */
const DOC_CHAR_CAP = 2 * 1024 * 1024;

// ---------------------------------------------------------------- RTF

/** Destinations whose text is not the document's (font tables, metadata, pictures, fields' instructions). */
const RTF_SKIP = new Set(['fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'header', 'footer', 'headerl', 'headerr', 'footerl', 'footerr', 'fldinst', 'themedata', 'colorschememapping', 'datastore', 'latentstyles', 'listtable', 'listoverridetable', 'rsidtbl', 'generator', 'xmlnstbl', 'mmathPr', 'filetbl', 'revtbl']);
const RTF_BREAKS: Record<string, string> = { par: '\n', line: '\n', sect: '\n\n', page: '\n\n', row: '\n', tab: '\t', cell: '\t', emdash: '—', endash: '–', bullet: '•', lquote: '‘', rquote: '’', ldblquote: '“', rdblquote: '”', emspace: ' ', enspace: ' ', qmspace: ' ', '~': '\u00a0', '-': '', _: '-' };

/**
 * Plain text of an RTF document: control words and groups dropped, `\'hh`
 * bytes decoded in the document's code page (`\ansicpg`), `\uN` as Unicode.
 * No npm library for this is maintained (the RTF parsers there were last
 * published years ago and target HTML), and the subset needed for text is small.
 */
export function rtfToText(rtf: string): string {
  if (!rtf.startsWith('{\\rtf')) throw new IntakeError('document_corrupt', 'RTF is damaged or not RTF', { message: 'The file does not start with {\\rtf.' });
  let codepage = 'windows-1252';
  const out: string[] = [];
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length) out.push(iconv.decode(Buffer.from(bytes), codepage));
    bytes = [];
  };
  // Per group: skipping its text, and how many fallback characters follow a \uN (\ucN).
  const stack: { skip: boolean; uc: number }[] = [];
  let state = { skip: false, uc: 1 };
  let pendingSkip = 0;
  let i = 0;
  const n = rtf.length;
  while (i < n) {
    const c = rtf[i];
    if (c === '{') {
      stack.push(state);
      state = { ...state };
      i++;
      if (rtf.startsWith('\\*', i)) state.skip = true; // an optional destination this reader does not know
      continue;
    }
    if (c === '}') {
      flush();
      state = stack.pop() ?? state;
      i++;
      continue;
    }
    if (c === '\\') {
      const next = rtf[i + 1];
      if (next === "'") {
        const hex = parseInt(rtf.slice(i + 2, i + 4), 16);
        i += 4;
        if (pendingSkip > 0) pendingSkip--;
        else if (!state.skip && !Number.isNaN(hex)) bytes.push(hex);
        continue;
      }
      if (next === '\\' || next === '{' || next === '}') {
        if (pendingSkip > 0) pendingSkip--;
        else if (!state.skip) {
          flush();
          out.push(next);
        }
        i += 2;
        continue;
      }
      const m = /^([a-zA-Z]+)(-?\d+)? ?/.exec(rtf.slice(i + 1, i + 40));
      if (!m) {
        // Control symbols: \~ \- \_ and the like.
        if (!state.skip && next in RTF_BREAKS) {
          flush();
          out.push(RTF_BREAKS[next]);
        }
        i += 2;
        continue;
      }
      i += 1 + m[0].length;
      const word = m[1];
      const arg = m[2] !== undefined ? Number(m[2]) : undefined;
      if (RTF_SKIP.has(word)) state.skip = true;
      else if (word === 'ansicpg' && arg !== undefined && iconv.encodingExists(`cp${arg}`)) codepage = `cp${arg}`;
      else if (word === 'uc' && arg !== undefined) state.uc = arg;
      else if (word === 'u' && arg !== undefined) {
        if (!state.skip) {
          flush();
          out.push(String.fromCharCode(arg < 0 ? arg + 65536 : arg));
        }
        pendingSkip = state.uc;
      } else if (!state.skip && word in RTF_BREAKS) {
        flush();
        out.push(RTF_BREAKS[word]);
      }
      continue;
    }
    if (c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (pendingSkip > 0) pendingSkip--;
    else if (!state.skip) {
      flush();
      out.push(c);
    }
    i++;
  }
  flush();
  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export async function extractRtf(path: string): Promise<ExtractResult> {
  const { bytes, truncated } = await readHead(path, TEXT_BYTE_CAP);
  // RTF is 7-bit by definition; anything else is carried by escapes decoded in rtfToText.
  const text = rtfToText(bytes.toString('latin1'));
  const r: ExtractResult = { text, source: 'text', extraction: { format: 'rtf' } };
  if (truncated) r.truncated = true;
  return r;
}

// ---------------------------------------------------------------- ODT, EPUB

async function openZip(path: string, what: string): Promise<JSZip> {
  const { size } = await stat(path);
  if (size > ZIP_DOC_BYTE_CAP) throw new IntakeError('file_too_large', `${what} too large`, { message: `The ${what} is ${size} bytes; the limit is ${ZIP_DOC_BYTE_CAP}.` });
  const { bytes } = await readHead(path, ZIP_DOC_BYTE_CAP);
  try {
    return await JSZip.loadAsync(bytes);
  } catch (e) {
    throw new IntakeError('document_corrupt', `${what} is damaged or not a ${what}`, { message: errorMessage(e), cause: e });
  }
}

/** Reads zip entries as text, refusing once their declared inflated sizes pass the cap. */
function zipReader(zip: JSZip, what: string): (name: string) => Promise<string | null> {
  let inflated = 0;
  return async (name) => {
    const entry = zip.file(name);
    if (!entry) return null;
    inflated += (entry as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0;
    if (inflated > ZIP_DOC_INFLATE_CAP) throw new IntakeError('file_too_large', `${what} inflates too far`, { message: `The ${what} would inflate to more than ${ZIP_DOC_INFLATE_CAP} bytes.` });
    return entry.async('string');
  };
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function xmlUnescape(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return XML_ENTITIES[e] ?? all;
  });
}

/** Text of an OpenDocument body: headings and paragraphs as lines, tabs, spaces and line breaks kept, notes' citations dropped. */
export function odfXmlToText(xml: string): string {
  const body = /<office:body[\s>]([\s\S]*)<\/office:body>/.exec(xml)?.[1] ?? xml;
  return xmlUnescape(
    body
      .replace(/<text:note-citation[^>]*>[\s\S]*?<\/text:note-citation>/g, '')
      .replace(/<text:tab\s*\/>/g, '\t')
      .replace(/<text:line-break\s*\/>/g, '\n')
      .replace(/<text:s(?:\s+text:c="(\d+)")?\s*\/>/g, (_, c?: string) => ' '.repeat(c ? Math.min(Number(c), 100) : 1))
      .replace(/<\/text:(?:p|h)>|<text:(?:p|h)[^>]*\/>/g, '\n')
      .replace(/<\/table:table-cell>/g, '\t')
      .replace(/<\/table:table-row>/g, '\n')
      .replace(/<[^>]+>/g, ''),
  )
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export async function extractOdt(path: string): Promise<ExtractResult> {
  const zip = await openZip(path, 'ODT');
  const read = zipReader(zip, 'ODT');
  const content = await read('content.xml');
  if (content === null) throw new IntakeError('document_corrupt', 'ODT is damaged or not an ODT', { message: 'The file has no content.xml.' });
  return capped({ text: odfXmlToText(content), source: 'text', extraction: { format: 'odt' } });
}

/** An EPUB's chapters in reading order (the OPF spine), each XHTML file rendered as text. */
export async function extractEpub(path: string): Promise<ExtractResult> {
  const zip = await openZip(path, 'EPUB');
  const read = zipReader(zip, 'EPUB');
  const container = await read('META-INF/container.xml');
  const opfPath = container && /<rootfile\b[^>]*\bfull-path="([^"]+)"/.exec(container)?.[1];
  const opf = opfPath ? await read(opfPath) : null;
  if (!opfPath || opf === null) throw new IntakeError('document_corrupt', 'EPUB is damaged or not an EPUB', { message: 'No package document (META-INF/container.xml → OPF) was found.' });
  const base = posix.dirname(opfPath);
  const hrefs = new Map<string, string>();
  for (const item of opf.match(/<item\b[^>]*>/g) ?? []) {
    const id = /\bid="([^"]+)"/.exec(item)?.[1];
    const href = /\bhref="([^"]+)"/.exec(item)?.[1];
    if (id && href) hrefs.set(id, href);
  }
  const title = /<dc:title[^>]*>([\s\S]*?)<\/dc:title>/.exec(opf)?.[1];
  const parts: string[] = title ? [xmlUnescape(title).trim()] : [];
  let chars = 0;
  let truncated = false;
  for (const ref of opf.match(/<itemref\b[^>]*>/g) ?? []) {
    const href = hrefs.get(/\bidref="([^"]+)"/.exec(ref)?.[1] ?? '');
    if (!href) continue;
    const name = posix.normalize(posix.join(base, decodeURIComponent(href.split('#')[0])));
    const xhtml = await read(name);
    if (xhtml === null) continue;
    const text = htmlToText(xhtml).text;
    if (text) parts.push(text);
    chars += text.length;
    if (chars > DOC_CHAR_CAP) {
      truncated = true;
      break;
    }
  }
  const r = capped({ text: parts.join('\n\n'), source: 'text', extraction: { format: 'epub' } });
  if (truncated) r.truncated = true;
  return r;
}

function capped(r: ExtractResult): ExtractResult {
  if (r.text.length > DOC_CHAR_CAP) {
    r.text = r.text.slice(0, DOC_CHAR_CAP);
    r.truncated = true;
  }
  return r;
}
