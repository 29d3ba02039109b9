/**
 * The benchmark corpus, generated from a fixed seed into a temp folder: small
 * text files, text-layer PDFs, image-only PDFs and scanned-looking PNGs whose
 * words are rendered by code (so OCR has real words to find), plus large
 * random blobs for the hashing figure. Every file's content is unique.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument, StandardFonts, degrees, rgb } from 'pdf-lib';
import { random } from '../test/support/fixtures';

export interface CorpusSize {
  textFiles: number;
  textPdfs: number;
  textPdfPages: number;
  scanPngs: number;
  /** Text-dense scanned pages: full-width lines of real words, as a typed letter or a contract page. */
  densePngs: number;
  scanPdfs: number;
  scanPdfPages: number;
  blobs: number;
  blobMiB: number;
  /** Files of the kill -9 corpus (text), plus a few PDFs, images and broken files. */
  killTextFiles: number;
  /** Text files of the AI-latency figure (a prefix of text/). */
  aiFiles: number;
}

export const FULL: CorpusSize = {
  textFiles: 10_000,
  textPdfs: 100,
  textPdfPages: 4,
  scanPngs: 16,
  densePngs: 12,
  scanPdfs: 6,
  scanPdfPages: 2,
  blobs: 4,
  blobMiB: 64,
  killTextFiles: 8000,
  aiFiles: 600,
};

export const QUICK: CorpusSize = {
  textFiles: 2000,
  textPdfs: 30,
  textPdfPages: 3,
  scanPngs: 4,
  densePngs: 4,
  scanPdfs: 2,
  scanPdfPages: 2,
  blobs: 4,
  blobMiB: 16,
  killTextFiles: 2000,
  aiFiles: 200,
};

export interface Corpus {
  root: string;
  size: CorpusSize;
  seed: number;
  /** text/: the small text files, in 100-file folders. */
  textDir: string;
  textPaths: string[];
  /** pdf-text/: PDFs with a text layer. */
  pdfTextDir: string;
  pdfTextPaths: string[];
  /** scan/: scanned-looking PNG pages. */
  scanDir: string;
  scanPaths: string[];
  /** scan-dense/: text-dense scanned PNG pages (34 full-width lines each). */
  denseDir: string;
  densePaths: string[];
  /** scan-pdf/: image-only PDFs (one PNG per page, no text layer). */
  scanPdfDir: string;
  scanPdfPaths: string[];
  /** blobs/: large random files for hashing. */
  blobDir: string;
  blobPaths: string[];
  /** kill/: the corpus the kill -9 runs work on (every supported file must end up stored or failed). */
  killDir: string;
  killPaths: string[];
  /** Pages OCR would read: scan PNGs (1 each), dense PNGs (1 each), image-PDF pages. */
  ocrPages: { png: number; dense: number; pdf: number };
  reused: boolean;
}

/** Deterministic PRNG (mulberry32), shared with the tests' fixtures. */
export const rng = random;

const WORDS = `account address agreement amount annual answer appointment april august balance bank bill board budget
business calendar call car card case change charge claim client company confirm contract cost council county credit
customer date december delivery department deposit detail document due electricity energy estate february fee file
final finance florist garden general health home hospital house insurance interest invoice january july june letter
library license loan march market may medical meeting member month mortgage notice november number october office
order owner paper payment pension period phone plan policy premium price property quarter receipt reference refund
register renewal rent report request review salary schedule school september service statement street subscription
summary supplier tax telephone tenant thank total transfer travel utility vehicle water week welcome year`
  .split(/\s+/)
  .filter(Boolean);
const NAMES = ['ACME Supplies GmbH', 'Northwind Traders', 'Contoso Insurance', 'City Water Board', 'Fabrikam Energy', 'Tailspin Travel', 'Blue Yonder Bank', 'Litware Telecom'];
const KINDS = ['Invoice', 'Receipt', 'Letter', 'Statement', 'Notice', 'Contract', 'Report'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function sentence(r: () => number, min = 6, max = 14): string {
  const n = min + Math.floor(r() * (max - min + 1));
  const ws = Array.from({ length: n }, () => pick(r, WORDS));
  ws[0] = ws[0][0].toUpperCase() + ws[0].slice(1);
  return `${ws.join(' ')}.`;
}

/** A short business document with a unique reference number. */
export function documentText(r: () => number, id: number, paragraphs: number): string {
  const kind = pick(r, KINDS);
  const from = pick(r, NAMES);
  const month = 1 + Math.floor(r() * 12);
  const day = 1 + Math.floor(r() * 28);
  const date = `20${10 + Math.floor(r() * 14)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const lines = [`${kind} ${id.toString(36).toUpperCase()}-${Math.floor(r() * 1e6)}`, `Date: ${date}`, `From: ${from}`, ''];
  for (let p = 0; p < paragraphs; p++) {
    lines.push(Array.from({ length: 2 + Math.floor(r() * 3) }, () => sentence(r)).join(' '), '');
  }
  lines.push(`Total amount due: EUR ${(r() * 2000).toFixed(2)}`, 'Kind regards', from);
  return lines.join('\n');
}

/** Lines of short sentences for rendering on a page (OCR wants real words). */
function pageLines(r: () => number, id: number, page: number, n: number): string[] {
  const out = [`${pick(r, KINDS)} ${id}-${page} from ${pick(r, NAMES)}`, ''];
  for (let i = 0; i < n; i++) out.push(sentence(r, 5, 9));
  return out;
}

/**
 * Lines of a text-dense page: a heading, then `n` lines filled with words up to
 * ≈ 80 characters — the full width of an A4 page at 12 pt, as a letter or a contract.
 */
function denseLines(r: () => number, id: number, n: number): string[] {
  const out = [`${pick(r, KINDS)} ${id} from ${pick(r, NAMES)}`, ''];
  let line = '';
  while (out.length < n + 2) {
    const s = sentence(r, 5, 12);
    for (const w of s.split(' ')) {
      if (line && line.length + 1 + w.length > 80) {
        out.push(line);
        line = '';
        if (out.length >= n + 2) break;
      }
      line = line ? `${line} ${w}` : w;
    }
  }
  return out;
}

/** A scanned-looking page: off-white paper, grey ink, a slight skew and speckles. 300 DPI A4 by default. */
export async function scannedPng(r: () => number, lines: string[], dpi = 300): Promise<Buffer> {
  const w = Math.round(8.27 * dpi);
  const h = Math.round(11.69 * dpi);
  const c = createCanvas(w, h);
  const g = c.getContext('2d');
  g.fillStyle = '#f4f1ea';
  g.fillRect(0, 0, w, h);
  g.save();
  g.translate(w / 2, h / 2);
  g.rotate(((r() - 0.5) * 1.2 * Math.PI) / 180);
  g.translate(-w / 2, -h / 2);
  const px = Math.round((12 / 72) * dpi); // 12 pt
  g.fillStyle = '#2b2b2b';
  g.font = `${px}px "Liberation Serif"`;
  let y = Math.round(dpi * 1.0);
  for (const line of lines) {
    g.fillText(line, Math.round(dpi * 0.9), y);
    y += Math.round(px * 1.6);
  }
  g.restore();
  // Speckles: scanner dust.
  g.fillStyle = 'rgba(60,60,60,0.5)';
  for (let i = 0; i < 1500; i++) g.fillRect(Math.floor(r() * w), Math.floor(r() * h), 1 + Math.floor(r() * 2), 1 + Math.floor(r() * 2));
  return c.encode('png');
}

async function textPdf(r: () => number, id: number, pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    let y = 790;
    for (const line of pageLines(r, id, p + 1, 38)) {
      page.drawText(line, { x: 56, y, size: 11, font, color: rgb(0.1, 0.1, 0.1) });
      y -= 19;
    }
  }
  doc.setTitle(`Bench document ${id}`);
  return doc.save();
}

async function imagePdf(pngs: Buffer[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const png of pngs) {
    const img = await doc.embedPng(png);
    const page = doc.addPage([595, 842]);
    page.drawImage(img, { x: 0, y: 0, width: 595, height: 842, rotate: degrees(0) });
  }
  return doc.save();
}

/** Seeded random bytes, fast: AES-256-CTR keystream over zeros. */
async function writeBlob(path: string, seed: number, bytes: number): Promise<void> {
  const key = createHash('sha256').update(`blob-${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const out = createWriteStream(path);
  const zero = Buffer.alloc(1 << 20);
  for (let done = 0; done < bytes; done += zero.length) {
    if (!out.write(cipher.update(zero))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const VERSION = 4;

/** Builds (or, with reuse, finds) the corpus for these sizes under `root`. */
export async function buildCorpus(root: string, size: CorpusSize, seed: number, opts: { reuse: boolean; log: (s: string) => void }): Promise<Corpus> {
  const key = JSON.stringify({ VERSION, size, seed });
  const manifest = join(root, 'corpus.json');
  const paths = layout(root, size, seed);
  if (opts.reuse && existsSync(manifest) && readFileSync(manifest, 'utf8') === key) {
    opts.log(`corpus: reusing ${root}`);
    return { ...paths, reused: true };
  }
  rmSync(root, { recursive: true, force: true });
  const t0 = performance.now();
  const r = rng(seed);

  for (const [i, p] of paths.textPaths.entries()) {
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, documentText(r, i, 1 + Math.floor(r() * 4)));
  }
  mkdirSync(paths.pdfTextDir, { recursive: true });
  for (const [i, p] of paths.pdfTextPaths.entries()) writeFileSync(p, await textPdf(r, 50_000 + i, size.textPdfPages));

  mkdirSync(paths.scanDir, { recursive: true });
  for (const [i, p] of paths.scanPaths.entries()) writeFileSync(p, await scannedPng(r, pageLines(r, 70_000 + i, 1, 22)));
  mkdirSync(paths.scanPdfDir, { recursive: true });
  for (const [i, p] of paths.scanPdfPaths.entries()) {
    const pngs: Buffer[] = [];
    for (let pg = 0; pg < size.scanPdfPages; pg++) pngs.push(await scannedPng(r, pageLines(r, 80_000 + i, pg + 1, 22)));
    writeFileSync(p, await imagePdf(pngs));
  }

  // Dense pages draw from a stream of their own, so the rest of the corpus is as it was before they were added.
  const rd = rng(seed + 1);
  mkdirSync(paths.denseDir, { recursive: true });
  for (const [i, p] of paths.densePaths.entries()) writeFileSync(p, await scannedPng(rd, denseLines(rd, 75_000 + i, 34)));

  mkdirSync(paths.blobDir, { recursive: true });
  for (const [i, p] of paths.blobPaths.entries()) await writeBlob(p, seed + i, size.blobMiB << 20);

  // kill/: text, a few text PDFs and images, and files that must end up in failed_files.
  for (const p of paths.killPaths) mkdirSync(join(p, '..'), { recursive: true });
  let k = 0;
  for (const p of paths.killPaths) {
    const name = p.slice(paths.killDir.length + 1);
    if (name.startsWith('bad/short-')) writeFileSync(p, `ref ${k}`); // too little text
    else if (name.startsWith('bad/corrupt-')) writeFileSync(p, `%PDF-1.7 not really ${k} ${r()}`);
    else if (name.startsWith('pdf/')) writeFileSync(p, await textPdf(r, 90_000 + k, 2));
    else if (name.startsWith('img/')) writeFileSync(p, await scannedPng(r, pageLines(r, 95_000 + k, 1, 8), 150));
    else writeFileSync(p, documentText(r, 100_000 + k, 1 + Math.floor(r() * 3)));
    k++;
  }
  writeFileSync(manifest, key);
  opts.log(`corpus: generated in ${((performance.now() - t0) / 1000).toFixed(1)} s under ${root}`);
  return { ...paths, reused: false };
}

function layout(root: string, size: CorpusSize, seed: number): Omit<Corpus, 'reused'> {
  const textDir = join(root, 'text');
  const textPaths = Array.from({ length: size.textFiles }, (_, i) => join(textDir, `d${String(Math.floor(i / 100)).padStart(3, '0')}`, `note-${String(i).padStart(5, '0')}.${i % 5 === 0 ? 'md' : 'txt'}`));
  const pdfTextDir = join(root, 'pdf-text');
  const pdfTextPaths = Array.from({ length: size.textPdfs }, (_, i) => join(pdfTextDir, `report-${String(i).padStart(4, '0')}.pdf`));
  const scanDir = join(root, 'scan');
  const scanPaths = Array.from({ length: size.scanPngs }, (_, i) => join(scanDir, `scan-${String(i).padStart(3, '0')}.png`));
  const denseDir = join(root, 'scan-dense');
  const densePaths = Array.from({ length: size.densePngs }, (_, i) => join(denseDir, `dense-${String(i).padStart(3, '0')}.png`));
  const scanPdfDir = join(root, 'scan-pdf');
  const scanPdfPaths = Array.from({ length: size.scanPdfs }, (_, i) => join(scanPdfDir, `scanned-${String(i).padStart(3, '0')}.pdf`));
  const blobDir = join(root, 'blobs');
  const blobPaths = Array.from({ length: size.blobs }, (_, i) => join(blobDir, `blob-${i}.bin`));
  const killDir = join(root, 'kill');
  const killPaths = [
    ...Array.from({ length: size.killTextFiles }, (_, i) => join(killDir, 'text', `d${String(Math.floor(i / 200)).padStart(3, '0')}`, `k-${String(i).padStart(5, '0')}.txt`)),
    ...Array.from({ length: 10 }, (_, i) => join(killDir, 'pdf', `k-${i}.pdf`)),
    ...Array.from({ length: 4 }, (_, i) => join(killDir, 'img', `k-${i}.png`)),
    ...Array.from({ length: 10 }, (_, i) => join(killDir, 'bad', `short-${i}.txt`)),
    ...Array.from({ length: 5 }, (_, i) => join(killDir, 'bad', `corrupt-${i}.pdf`)),
  ];
  return {
    root,
    size,
    seed,
    textDir,
    textPaths,
    pdfTextDir,
    pdfTextPaths,
    scanDir,
    scanPaths,
    denseDir,
    densePaths,
    scanPdfDir,
    scanPdfPaths,
    blobDir,
    blobPaths,
    killDir,
    killPaths,
    ocrPages: { png: size.scanPngs, dense: size.densePngs, pdf: size.scanPdfs * size.scanPdfPages },
  };
}
