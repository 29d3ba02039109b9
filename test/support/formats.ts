/** Generated documents in the formats issue 13 reads: e-mail, HTML, RTF, ODT, EPUB. */
import iconv from 'iconv-lite';

/** RFC 2047 "encoded-word" in base64 (B) or quoted-printable (Q). */
export function encodedWord(text: string, charset = 'utf-8', how: 'B' | 'Q' = 'B'): string {
  const bytes = iconv.encode(text, charset);
  if (how === 'B') return `=?${charset}?B?${bytes.toString('base64')}?=`;
  const q = [...bytes].map((b) => (b === 0x20 ? '_' : b > 0x7e || b < 0x21 || b === 0x3d || b === 0x3f || b === 0x5f ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
  return `=?${charset}?Q?${q}?=`;
}

/** Quoted-printable body (RFC 2045), lines ≤ 76 characters with soft breaks. */
export function quotedPrintable(text: string, charset = 'utf-8'): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const bytes = iconv.encode(line, charset);
    let cur = '';
    for (const b of bytes) {
      const piece = b === 0x3d || b > 0x7e || (b < 0x20 && b !== 0x09) ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
      if (cur.length + piece.length > 75) {
        out.push(`${cur}=`);
        cur = '';
      }
      cur += piece;
    }
    out.push(cur);
  }
  return out.join('\r\n');
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/**
 * A multipart e-mail: RFC 2047 subject and sender, a quoted-printable
 * text/plain part in `charset`, a base64 text/html alternative, and an
 * attachment.
 */
export function makeEmail(o: { subject: string; fromName: string; text: string; html: string; charset?: string; attachment?: { name: string; bytes: Buffer; type: string } }): Buffer {
  const cs = o.charset ?? 'utf-8';
  const lines = [
    `From: ${encodedWord(o.fromName, 'utf-8', 'Q')} <sender@example.org>`,
    'To: Jane Doe <jane@example.com>',
    `Subject: ${encodedWord(o.subject, 'utf-8', 'B')}`,
    'Date: Tue, 15 Oct 2024 09:30:00 +0200',
    'Message-ID: <test-1@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    `Content-Type: text/plain; charset=${cs}`,
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(o.text, cs),
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(o.html)),
    '--alt--',
  ];
  if (o.attachment) {
    lines.push('--outer', `Content-Type: ${o.attachment.type}; name="${o.attachment.name}"`, `Content-Disposition: attachment; filename="${o.attachment.name}"`, 'Content-Transfer-Encoding: base64', '', base64Lines(o.attachment.bytes));
  }
  lines.push('--outer--', '');
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** An e-mail whose only body is HTML, base64-encoded. */
export function makeHtmlOnlyEmail(subject: string, html: string): Buffer {
  return Buffer.from(
    [
      'From: shop@example.org',
      'To: jane@example.com',
      `Subject: ${encodedWord(subject, 'utf-8', 'Q')}`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(Buffer.from(html)),
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** An RTF letter in code page 1252 with escaped umlauts, a \u escape, a font table and metadata that must not show. */
export function makeRtf(): string {
  return [
    '{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Helvetica;}{\\f1 Times New Roman;}}',
    '{\\colortbl;\\red255\\green0\\blue0;}',
    '{\\info{\\title Hidden metadata title}{\\author Nobody}}',
    '{\\*\\generator Hidden generator 1.0;}',
    '\\pard\\f0\\fs24 Sehr geehrte Frau M\\\'fcller,\\par',
    'anbei die Rechnung \\b Nr. 4711\\b0  \\u252?ber 99,50 \\u8364? f\\\'fcr die Wartung.\\par',
    '{\\pict\\pngblip 89504e470d0a1a0a}',
    'Mit freundlichen Gr\\\'fc\\\'dfen\\line J\\\'fcrgen Wei\\\'df\\par',
    '}',
  ].join('\n');
}

/** A minimal OpenDocument text: heading, paragraphs with a tab, repeated spaces and a line break, a table. */
export async function makeOdt(): Promise<Buffer> {
  const { default: JSZip } = await import('jszip');
  const zip = new JSZip();
  zip.file('mimetype', 'application/vnd.oasis.opendocument.text', { compression: 'STORE' });
  zip.file('META-INF/manifest.xml', '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>');
  zip.file(
    'content.xml',
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:automatic-styles/><office:body><office:text>' +
      '<text:h text:outline-level="1">Mietvertrag &amp; Hausordnung</text:h>' +
      '<text:p>Zwischen<text:tab/>Anna Schmidt<text:s text:c="3"/>und Bernd Keller<text:line-break/>wird folgender Vertrag geschlossen.</text:p>' +
      '<table:table><table:table-row><table:table-cell><text:p>Kaltmiete</text:p></table:table-cell><table:table-cell><text:p>850 €</text:p></table:table-cell></table:table-row></table:table>' +
      '</office:text></office:body></office:document-content>',
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** A two-chapter EPUB whose spine order differs from the manifest order. */
export async function makeEpub(): Promise<Buffer> {
  const { default: JSZip } = await import('jszip');
  const zip = new JSZip();
  zip.file('mimetype', 'application/epub+zip', { compression: 'STORE' });
  zip.file('META-INF/container.xml', '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>');
  zip.file(
    'OEBPS/content.opf',
    '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Lighthouse Keeper</dc:title></metadata>' +
      '<manifest><item id="c2" href="text/chapter%202.xhtml" media-type="application/xhtml+xml"/><item id="c1" href="text/chapter1.xhtml" media-type="application/xhtml+xml"/><item id="css" href="style.css" media-type="text/css"/></manifest>' +
      '<spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>',
  );
  const chapter = (h: string, p: string) => `<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>${h}</title><style>p{margin:0}</style></head><body><h1>${h}</h1><p>${p}</p></body></html>`;
  zip.file('OEBPS/text/chapter1.xhtml', chapter('Chapter One', 'The storm arrived at midnight and the lamp kept turning.'));
  zip.file('OEBPS/text/chapter 2.xhtml', chapter('Chapter Two', 'By morning the harbour was full of broken masts.'));
  zip.file('OEBPS/style.css', 'p { margin: 0 }');
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** One page of a generated PDF: a text layer, a scanned image, an image over a junk text layer, a filled form, or nothing. */
export type PdfPageSpec = { text: string } | { scan: Buffer } | { scan: Buffer; hiddenText: string } | { form: { title: string; name: string; district: string } } | { blank: true };

/**
 * A PDF made page by page with pdf-lib, in the given order. A `hiddenText`
 * page draws that text and then the scan over it: the text layer says one
 * thing and the page shows another — a font whose glyphs map to wrong letters.
 */
export async function makeMixedPdf(pages: PdfPageSpec[]): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const spec of pages) {
    const page = doc.addPage([612, 792]);
    if ('text' in spec) {
      let y = 740;
      for (const line of spec.text.split('\n')) {
        page.drawText(line, { x: 56, y, size: 12, font });
        y -= 16;
      }
    } else if ('scan' in spec) {
      if ('hiddenText' in spec) page.drawText(spec.hiddenText, { x: 56, y: 700, size: 12, font });
      const img = await doc.embedPng(spec.scan);
      const w = (img.width * 72) / 150;
      const h = (img.height * 72) / 150;
      // A white sheet first, so the text beneath is hidden wherever the scan does not reach.
      page.drawRectangle({ x: 0, y: 0, width: 612, height: 792, color: { type: 'RGB', red: 1, green: 1, blue: 1 } as never });
      page.drawImage(img, { x: 18, y: 792 - h - 36, width: w, height: h });
    } else if ('form' in spec) {
      page.drawText(spec.form.title, { x: 56, y: 740, size: 14, font });
      page.drawText('Name:', { x: 56, y: 690, size: 12, font });
      page.drawText('District:', { x: 56, y: 640, size: 12, font });
      const form = doc.getForm();
      const name = form.createTextField('applicant.name');
      name.setText(spec.form.name);
      name.addToPage(page, { x: 130, y: 680, width: 260, height: 24 });
      const district = form.createDropdown('applicant.district');
      district.addOptions(['North', spec.form.district]);
      district.select(spec.form.district);
      district.addToPage(page, { x: 130, y: 630, width: 160, height: 24 });
    }
  }
  return doc.save();
}

/** One page of a generated TIFF: 8-bit grey (optionally PackBits-compressed) or 1-bit black and white (a fax). */
export interface TiffPageSpec {
  gray: Uint8Array;
  width: number;
  height: number;
  as?: 'gray' | 'packbits' | 'bilevel';
  /** Overrides the Compression tag (to make a page nothing can decode). */
  compression?: number;
}

/** Grey levels of a PNG (decoded with the canvas that draws the fixtures). */
export async function pngToGray(png: Buffer): Promise<{ gray: Uint8Array; width: number; height: number }> {
  const { napiCanvas } = await import('../../src/main/extract/downscale');
  const { createCanvas, loadImage } = napiCanvas();
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, img.width, img.height).data;
  const gray = new Uint8Array(img.width * img.height);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]);
  return { gray, width: img.width, height: img.height };
}

function packBits(row: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < row.length) {
    let run = 1;
    while (i + run < row.length && run < 128 && row[i + run] === row[i]) run++;
    if (run > 1) {
      out.push(257 - run, row[i]);
      i += run;
      continue;
    }
    let lit = 1;
    while (i + lit < row.length && lit < 128 && !(i + lit + 1 < row.length && row[i + lit] === row[i + lit + 1])) lit++;
    out.push(lit - 1, ...row.subarray(i, i + lit));
    i += lit;
  }
  return out;
}

/**
 * A baseline little-endian TIFF, one IFD per page in order, written here byte
 * by byte (not by the library Intake reads it with).
 */
export function makeTiff(pages: TiffPageSpec[]): Buffer {
  const strips: Buffer[] = pages.map((p) => {
    if (p.as === 'bilevel') {
      const rowBytes = Math.ceil(p.width / 8);
      const b = Buffer.alloc(rowBytes * p.height);
      for (let y = 0; y < p.height; y++) for (let x = 0; x < p.width; x++) if (p.gray[y * p.width + x] < 128) b[y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7);
      return b;
    }
    if (p.as === 'packbits') {
      const bytes: number[] = [];
      for (let y = 0; y < p.height; y++) bytes.push(...packBits(p.gray.subarray(y * p.width, (y + 1) * p.width)));
      return Buffer.from(bytes);
    }
    return Buffer.from(p.gray);
  });
  const ENTRIES = 10;
  const ifdSize = 2 + ENTRIES * 12 + 4;
  let at = 8;
  const stripAt: number[] = [];
  for (const s of strips) {
    stripAt.push(at);
    at += s.length + (s.length & 1);
  }
  const ifdAt = pages.map((_, i) => at + i * ifdSize);
  const out = Buffer.alloc(at + pages.length * ifdSize);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifdAt[0], 4);
  strips.forEach((s, i) => s.copy(out, stripAt[i]));
  pages.forEach((p, i) => {
    const bilevel = p.as === 'bilevel';
    const compression = p.compression ?? (p.as === 'packbits' ? 32773 : 1);
    const tags: [number, number, number][] = [
      [256, 4, p.width],
      [257, 4, p.height],
      [258, 3, bilevel ? 1 : 8],
      [259, 3, compression],
      [262, 3, bilevel ? 0 : 1], // bilevel: WhiteIsZero (1 = black), as fax scans are; grey: BlackIsZero
      [273, 4, stripAt[i]],
      [277, 3, 1],
      [278, 4, p.height],
      [279, 4, strips[i].length],
      [284, 3, 1],
    ];
    let e = ifdAt[i];
    out.writeUInt16LE(ENTRIES, e);
    e += 2;
    for (const [tag, type, value] of tags) {
      out.writeUInt16LE(tag, e);
      out.writeUInt16LE(type, e + 2);
      out.writeUInt32LE(1, e + 4);
      if (type === 3) out.writeUInt16LE(value, e + 8);
      else out.writeUInt32LE(value, e + 8);
      e += 12;
    }
    out.writeUInt32LE(i + 1 < pages.length ? ifdAt[i + 1] : 0, e);
  });
  return out;
}
