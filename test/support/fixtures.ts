/**
 * Test and benchmark documents built by code: text in several encodings, PDFs
 * (text layer, image-only, encrypted, truncated), DOCX, rendered text images,
 * noise, corrupt images and image bombs. Every generator is deterministic.
 */
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import JSZip from 'jszip';
import { PDFDocument, StandardFonts } from 'pdf-lib';

type NapiCanvas = typeof import('@napi-rs/canvas');

/** The @napi-rs/canvas that pdfjs-dist brings (no second copy). */
function canvasLib(): NapiCanvas {
  const req = createRequire(import.meta.url);
  return createRequire(req.resolve('pdfjs-dist/package.json'))('@napi-rs/canvas') as NapiCanvas;
}

// ---------------------------------------------------------------- text

/** UTF-8 bytes, with a BOM when asked. */
export function utf8(text: string, bom = false): Buffer {
  const body = Buffer.from(text, 'utf8');
  return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

/** UTF-16 with its byte-order mark (little or big endian). */
export function utf16(text: string, endian: 'le' | 'be' = 'le'): Buffer {
  const le = Buffer.from(text, 'utf16le');
  if (endian === 'le') return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
  const be = Buffer.from(le);
  be.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
}

/** Latin-1 / windows-1252 bytes (characters outside it become '?'). */
export function latin1(text: string): Buffer {
  return Buffer.from([...text].map((c) => (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 0x3f)));
}

/** Bytes that look like an executable or a zip: NULs and control characters. */
export function binaryBytes(size = 4096, seed = 7): Buffer {
  const rnd = random(seed);
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = Math.floor(rnd() * 256);
  b.write('\x7fELF\x02\x01\x01\x00', 0, 'latin1');
  return b;
}

// ---------------------------------------------------------------- images

export interface TextImageOptions {
  /** Font size in px (default 36: tesseract reads it reliably). */
  fontSize?: number;
  width?: number;
  height?: number;
}

/**
 * A PNG of black words on white, in DejaVu Sans, wrapped into lines — what a
 * clean scan looks like to tesseract. `words` may be a sentence or a list.
 */
export function makeTextPng(words: string | string[], opts: TextImageOptions = {}): Buffer {
  const { createCanvas } = canvasLib();
  const fontSize = opts.fontSize ?? 36;
  const width = opts.width ?? 1200;
  const list = (Array.isArray(words) ? words.join(' ') : words).split(/\s+/).filter(Boolean);
  const probe = createCanvas(10, 10).getContext('2d');
  probe.font = `${fontSize}px "DejaVu Sans"`;
  const lines: string[] = [];
  let line = '';
  for (const w of list) {
    const next = line ? `${line} ${w}` : w;
    if (line && probe.measureText(next).width > width - 2 * fontSize) {
      lines.push(line);
      line = w;
    } else line = next;
  }
  if (line) lines.push(line);
  const lineHeight = Math.round(fontSize * 1.5);
  const height = opts.height ?? Math.max(lineHeight * (lines.length + 2), 4 * fontSize);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = `${fontSize}px "DejaVu Sans"`;
  ctx.textBaseline = 'top';
  lines.forEach((l, i) => ctx.fillText(l, fontSize, lineHeight * (i + 1)));
  return canvas.toBuffer('image/png');
}

/** A grey-noise PNG: tesseract "reads" junk from it at confidence ≈ 10. */
export function makeNoisePng(width = 600, height = 400, seed = 42): Buffer {
  const { createCanvas } = canvasLib();
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(width, height);
  const rnd = random(seed);
  for (let i = 0; i < img.data.length; i += 4) {
    const v = Math.floor(rnd() * 256);
    img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
    img.data[i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toBuffer('image/png');
}

/** A PNG whose signature and header are intact but whose pixel data is garbage. */
export function makeCorruptPng(): Buffer {
  const good = makeTextPng('corrupt', { width: 300 });
  const head = good.subarray(0, 33 + 8); // signature + IHDR + the start of the next chunk header
  return Buffer.concat([head, Buffer.from('this is not zlib data at all, just words'.repeat(8))]);
}

/**
 * A tiny, well-formed PNG that claims `width` × `height` pixels: decoding it
 * would need width × height × 4 bytes (10 GB at the default).
 */
export function makeImageBombPng(width = 50_000, height = 50_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  // One all-white row per … nothing: the IDAT holds a few compressed zero rows only.
  const idat = deflateSync(Buffer.alloc(1 + width));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

// ---------------------------------------------------------------- PDF

/** A PDF with a real text layer: one string per page (Helvetica, wrapped by lines). */
export async function makeTextPdf(pages: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = doc.addPage([612, 792]);
    let y = 740;
    for (const line of text.split('\n')) {
      page.drawText(line, { x: 56, y, size: 12, font });
      y -= 16;
    }
  }
  return doc.save();
}

/**
 * An image-only ("scanned") PDF: each page is one PNG drawn over the page,
 * sized as if scanned at `dpi`. Pass one PNG per page, or `pages` copies of one.
 */
export async function makeImagePdf(png: Buffer | Buffer[], opts: { pages?: number; dpi?: number } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const pngs = Array.isArray(png) ? png : Array.from({ length: opts.pages ?? 1 }, () => png);
  const dpi = opts.dpi ?? 150;
  const embedded = new Map<Buffer, Awaited<ReturnType<PDFDocument['embedPng']>>>();
  for (const p of pngs) {
    let img = embedded.get(p);
    if (!img) {
      img = await doc.embedPng(p);
      embedded.set(p, img);
    }
    const w = (img.width * 72) / dpi;
    const h = (img.height * 72) / dpi;
    doc.addPage([w, h]).drawImage(img, { x: 0, y: 0, width: w, height: h });
  }
  return doc.save();
}

/** The first `fraction` of a valid PDF: no cross-reference table, no trailer. */
export async function makeTruncatedPdf(fraction = 0.4): Promise<Uint8Array> {
  const full = await makeTextPdf(['This PDF was cut short in transit.', 'Second page.']);
  return full.subarray(0, Math.floor(full.length * fraction));
}

/**
 * A hand-written PDF encrypted with the standard security handler and a user
 * password (the /U entry matches no empty password): readers must ask for it.
 */
export function makeEncryptedPdf(): Buffer {
  const hex = (seed: number) =>
    Array.from({ length: 32 }, (_, i) => ((i * 37 + seed) & 0xff).toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>',
    `<< /Filter /Standard /V 1 /R 2 /Length 40 /O <${hex(11)}> /U <${hex(99)}> /P -44 >>`,
    '<< /Length 12 >>\nstream\n(encrypted!)\nendstream',
  ];
  return writeRawPdf('1.4', objects, `/Encrypt 4 0 R /ID [<${hex(5).slice(0, 32)}> <${hex(5).slice(0, 32)}>]`);
}

// ---------------------------------------------------------------- DOCX

/** A minimal valid .docx: one paragraph per line of `text` (or per array item). */
export async function makeDocx(text: string | string[]): Promise<Buffer> {
  const paragraphs = (Array.isArray(text) ? text : text.split('\n'))
    .map((p) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`)
    .join('');
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '</Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      '</Relationships>',
  );
  zip.file(
    'word/document.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      `<w:body>${paragraphs}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Starts like a zip, then is junk: what a half-copied .docx looks like. */
export function makeJunkDocx(): Buffer {
  return Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), binaryBytes(2048, 3)]);
}

// ---------------------------------------------------------------- helpers

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Writes a PDF from raw object bodies (object n is objects[n-1], the catalog first) with a
 * correct xref table; `trailerExtra` goes into the trailer dictionary (e.g. an /Encrypt entry).
 */
export function writeRawPdf(version: string, objects: string[], trailerExtra = ''): Buffer {
  let out = `%PDF-${version}\n%\xe2\xe3\xcf\xd3\n`;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Small deterministic PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let crcTable: Uint32Array | null = null;
function crc32(buf: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of buf) crc = crcTable[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
