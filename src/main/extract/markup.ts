import { stat } from 'node:fs/promises';
import { convert, type HtmlToTextOptions } from 'html-to-text';
import { simpleParser, type AddressObject } from 'mailparser';
import type { Extraction } from '../../shared/domain';
import { IntakeError, errorMessage } from '../../shared/errors';
import { TEXT_BYTE_CAP, canonicalEncoding, decodeText, readHead } from './text';
import type { ExtractResult } from './types';

/** E-mails are parsed whole (attachments included); bigger ones are refused. */
export const EMAIL_BYTE_CAP = 64 * 1024 * 1024;

const HTML_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((selector) => ({ selector, options: { uppercase: false } })),
  ],
};

/** Visible text of an HTML document (no scripts, styles or markup), its title first. */
export function htmlToText(html: string): { title: string | null; text: string } {
  const m = /<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  const title = m ? convert(m[1], { wordwrap: false }).replace(/\s+/g, ' ').trim() || null : null;
  const body = convert(html, HTML_OPTIONS)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { title, text: body };
}

/**
 * The charset an HTML or XML document declares in its first 1024 bytes
 * (`<meta charset>`, `<meta http-equiv content>`, `<?xml encoding?>`), as the
 * HTML spec's prescan reads it.
 */
export function declaredCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString('latin1');
  const xml = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  if (xml) return xml[1];
  for (const meta of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const direct = /\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(meta);
    if (direct) return direct[1];
  }
  return null;
}

/** HTML/XHTML: decoded by BOM, then its declared charset, then detection; then rendered as text. */
export async function extractHtml(path: string): Promise<ExtractResult> {
  const { bytes, truncated } = await readHead(path, TEXT_BYTE_CAP);
  const declared = declaredCharset(bytes);
  const { text: html, extraction } = decodeText(bytes, { cut: truncated, declared: canonicalEncoding(declared) ? declared : null });
  const { title, text } = htmlToText(html);
  const content = title && !text.startsWith(title) ? `${title}\n\n${text}` : text;
  return withTruncation({ text: content, source: 'text', extraction: { ...extraction, format: 'html' } }, truncated);
}

/**
 * An e-mail (.eml, RFC 5322): From, To, Cc, Subject and Date decoded from
 * RFC 2047, the body decoded from quoted-printable or base64 in its own
 * charset (HTML bodies as text), and the attachments listed by name.
 */
export async function extractEmail(path: string): Promise<ExtractResult> {
  const { size } = await stat(path);
  if (size > EMAIL_BYTE_CAP) throw new IntakeError('file_too_large', 'e-mail too large', { message: `The e-mail is ${size} bytes; the limit is ${EMAIL_BYTE_CAP}.` });
  const { bytes } = await readHead(path, EMAIL_BYTE_CAP);
  let mail;
  try {
    mail = await simpleParser(bytes, { skipHtmlToText: true, skipImageLinks: true, skipTextToHtml: true, keepCidLinks: true });
  } catch (e) {
    throw new IntakeError('document_corrupt', 'e-mail could not be parsed', { message: errorMessage(e), cause: e });
  }
  const header: string[] = [];
  if (mail.subject) header.push(`Subject: ${mail.subject}`);
  if (mail.from) header.push(`From: ${addresses(mail.from)}`);
  if (mail.to) header.push(`To: ${addresses(mail.to)}`);
  if (mail.cc) header.push(`Cc: ${addresses(mail.cc)}`);
  if (mail.date && !Number.isNaN(mail.date.getTime())) header.push(`Date: ${mail.date.toISOString().replace('T', ' ').slice(0, 16)} UTC`);
  let body = (mail.text ?? '').trim();
  if (!body && typeof mail.html === 'string') body = htmlToText(mail.html).text;
  const names = mail.attachments.filter((a) => a.contentDisposition !== 'inline' || a.filename).map((a) => a.filename ?? `(unnamed ${a.contentType})`);
  const parts = [header.join('\n'), body];
  if (names.length) parts.push(`Attachments: ${names.join(', ')}`);
  const extraction: Extraction = { format: 'email' };
  if (names.length) extraction.attachments = names;
  return { text: parts.filter(Boolean).join('\n\n'), source: 'text', extraction };
}

function addresses(a: AddressObject | AddressObject[]): string {
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ');
}

function withTruncation(r: ExtractResult, truncated: boolean): ExtractResult {
  if (truncated) r.truncated = true;
  return r;
}
