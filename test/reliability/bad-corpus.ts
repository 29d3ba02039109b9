/**
 * The bad-input corpus, built by code: every kind of file a real folder throws at
 * Intake, each with the outcome the pipeline must give it (SPEC §2, issue 5).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { ErrorCode, FailureClass, Stage } from '../../src/shared/domain';
import {
  writeRawPdf,
  binaryBytes,
  latin1,
  makeCorruptPng,
  makeDocx,
  makeEncryptedPdf,
  makeImageBombPng,
  makeJunkDocx,
  makeNoisePng,
  makeTruncatedPdf,
  utf16,
} from '../support/fixtures';
import { letter } from '../support/workspace';

export type Expectation =
  | { outcome: 'failed'; stage: Stage; code: ErrorCode; failureClass: FailureClass; reason: RegExp }
  | { outcome: 'ingested'; content?: RegExp }
  /** Not a document at all (loop, FIFO, dangling link): not counted, no row anywhere. */
  | { outcome: 'ignored' }
  | { outcome: 'unsupported' }
  /** The same bytes as an earlier file of the run: no row of its own, skipped as previously failed. */
  | { outcome: 'skipped_failed'; sameAs: string };

export interface BadCase {
  kind: string;
  /** Path relative to the corpus folder. */
  rel: string;
  make: (path: string, root: string) => void | Promise<void>;
  expect: Expectation;
}

const failed = (stage: Stage, code: ErrorCode, failureClass: FailureClass, reason: RegExp): Expectation => ({ outcome: 'failed', stage, code, failureClass, reason });

const write = (content: string | Uint8Array) => (p: string) => {
  writeFileSync(p, content);
};

/** A PDF locked with an AES-256 (R6) user password: no empty password opens it. */
export function makePasswordPdf(): Buffer {
  const hex = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => ((i * 53 + seed * 17) & 0xff).toString(16).padStart(2, '0')).join('').toUpperCase();
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>',
    `<< /Filter /Standard /V 5 /R 6 /Length 256 /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV3 /Length 32 >> >> /StmF /StdCF /StrF /StdCF /O <${hex(48, 1)}> /U <${hex(48, 2)}> /OE <${hex(32, 3)}> /UE <${hex(32, 4)}> /Perms <${hex(16, 5)}> /P -1028 >>`,
    '<< /Length 16 >>\nstream\n0123456789abcdef\nendstream',
  ];
  return writeRawPdf('1.7', objects, `/Encrypt 4 0 R /ID [<${hex(16, 9)}> <${hex(16, 9)}>]`);
}

/** 5 000 pages, one short line of text each (pdf-lib writes it in about a second). */
export async function makeThousandsOfPagesPdf(pages = 5000): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    doc.addPage([300, 200]).drawText(`Annual report page ${i} of ${pages}: revenue and costs`, { x: 10, y: 100, size: 8, font });
  }
  return doc.save({ objectsPerTick: Infinity });
}

/** One blank page the size of a football pitch: rendering it for OCR must stay within the pixel cap. */
async function makeHugePagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([200_000, 200_000]);
  return doc.save();
}

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A 255-byte file name: the longest most filesystems allow. */
export function longName(): string {
  const ext = '.txt';
  let base = 'Überweisung-';
  while (Buffer.byteLength(base + 'x' + ext) <= 255) base += 'x';
  return base + ext;
}

export async function buildBadCorpus(root: string): Promise<BadCase[]> {
  const pages = await makeThousandsOfPagesPdf();
  const truncated = await makeTruncatedPdf(0.4);
  const hugePage = await makeHugePagePdf();
  const emptyDocx = await makeDocx(['', '']);
  const noise = makeNoisePng(400, 300, 7);
  const cases: BadCase[] = [
    { kind: 'zero-byte text file', rel: 'empty.txt', make: write(''), expect: { outcome: 'skipped_failed', sameAs: 'empty.pdf' } },
    { kind: 'zero-byte image', rel: 'empty.png', make: write(''), expect: { outcome: 'skipped_failed', sameAs: 'empty.pdf' } },
    { kind: 'tiny text file', rel: 'tiny.txt', make: write('ok'), expect: failed('extract_text', 'text_insufficient', 'content', /insufficient text/) },
    { kind: 'whitespace-only text', rel: 'blank.md', make: write(' \n\t\n   \r\n'), expect: failed('extract_text', 'text_insufficient', 'content', /insufficient text/) },
    { kind: 'zero-byte PDF', rel: 'empty.pdf', make: write(''), expect: failed('extract_text', 'file_empty', 'input', /file is empty/) },
    { kind: 'truncated PDF', rel: 'truncated.pdf', make: write(truncated), expect: failed('extract_text', 'pdf_corrupt', 'input', /damaged|PDF/) },
    { kind: 'encrypted PDF (RC4, user password)', rel: 'encrypted.pdf', make: write(makeEncryptedPdf()), expect: failed('extract_text', 'pdf_encrypted', 'input', /password/) },
    { kind: 'password-protected PDF (AES-256)', rel: 'password.pdf', make: write(makePasswordPdf()), expect: failed('extract_text', 'pdf_encrypted', 'input', /password/) },
    { kind: 'malformed PDF (header, then junk)', rel: 'malformed.pdf', make: write(`%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n${'\x00\x01junk '.repeat(50)}\n%%EOF`), expect: failed('extract_text', 'pdf_corrupt', 'input', /damaged|PDF/) },
    { kind: 'PNG bytes named .pdf', rel: 'picture.pdf', make: write(Buffer.concat([PNG_SIG, binaryBytes(500, 5)])), expect: failed('extract_text', 'pdf_corrupt', 'input', /damaged|not a PDF/) },
    { kind: 'PDF with 5 000 pages', rel: 'report-5000-pages.pdf', make: write(pages), expect: { outcome: 'ingested', content: /Annual report page 1 of 5000/ } },
    { kind: 'PDF page of 200 000 pt square, blank (render bomb)', rel: 'huge-page.pdf', make: write(hugePage), expect: failed('ocr', 'ocr_no_text', 'content', /OCR found no usable text/) },
    { kind: 'image bomb (50 000 × 50 000 px PNG, tiny file)', rel: 'bomb.png', make: write(makeImageBombPng()), expect: failed('ocr', 'image_too_large', 'input', /too large/) },
    { kind: 'corrupt PNG (good header, garbage pixels)', rel: 'corrupt.png', make: write(makeCorruptPng()), expect: failed('ocr', 'image_corrupt', 'input', /damaged/) },
    { kind: 'corrupt JPEG', rel: 'corrupt.jpg', make: write(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), binaryBytes(300, 9)])), expect: failed('ocr', 'image_corrupt', 'input', /damaged/) },
    { kind: 'corrupt TIFF (IFD offset past the end)', rel: 'corrupt.tiff', make: write(Buffer.concat([Buffer.from([0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0]), binaryBytes(64, 11)])), expect: failed('ocr', 'image_corrupt', 'input', /damaged/) },
    { kind: 'text named .jpg', rel: 'notes.jpg', make: write('these are my notes, not a photo'), expect: failed('ocr', 'image_corrupt', 'input', /damaged|not a supported image/) },
    { kind: 'noise image (no text for OCR)', rel: 'noise.png', make: write(noise), expect: failed('ocr', 'ocr_no_text', 'content', /OCR found no usable text/) },
    { kind: 'binary named .txt', rel: 'program.txt', make: write(binaryBytes(8192, 1)), expect: failed('extract_text', 'text_binary', 'input', /binary/) },
    { kind: 'text with a binary tail past the sniffed start', rel: 'log-with-core-dump.log', make: write(Buffer.concat([Buffer.from(letter('Server log').repeat(300)), binaryBytes(4096, 2)])), expect: failed('extract_text', 'text_binary', 'input', /binary/) },
    { kind: 'non-UTF-8 text (windows-1252)', rel: 'brief-latin1.txt', make: write(latin1(letter('Grüße aus München', 'Straße, Größe, Äpfel und Öl für 12,50 €'))), expect: { outcome: 'ingested', content: /Grüße aus München/ } },
    { kind: 'mixed-encoding text (UTF-8 and Latin-1 bytes)', rel: 'mixed.txt', make: write(Buffer.concat([Buffer.from(letter('Quittung für Café Zoë'), 'utf8'), latin1('\nNachtrag: Gebühr bezahlt, schöne Grüße\n')])), expect: { outcome: 'ingested', content: /Nachtrag: Geb.+hr bezahlt/ } },
    { kind: 'UTF-16 text with BOM', rel: 'utf16.txt', make: write(utf16(letter('Ünïcödé sixteen'))), expect: { outcome: 'ingested', content: /Ünïcödé sixteen/ } },
    { kind: 'DOCX that is a zip of junk', rel: 'junk.docx', make: write(makeJunkDocx()), expect: failed('extract_text', 'docx_corrupt', 'input', /DOCX/) },
    { kind: 'DOCX that is not a zip', rel: 'plain.docx', make: write('Just some words typed into a file named .docx by mistake.'), expect: failed('extract_text', 'docx_corrupt', 'input', /DOCX/) },
    { kind: 'DOCX without any text', rel: 'empty.docx', make: write(emptyDocx), expect: failed('extract_text', 'text_insufficient', 'content', /insufficient text/) },
    { kind: 'name with a newline', rel: 'line\nbreak.txt', make: write(letter('Newline in the name')), expect: { outcome: 'ingested', content: /Newline in the name/ } },
    { kind: 'name with emoji', rel: '📄 Rechnung 🧾 2024.txt', make: write(letter('Emoji in the name')), expect: { outcome: 'ingested', content: /Emoji in the name/ } },
    { kind: 'name of 255 bytes', rel: longName(), make: write(letter('A very long name')), expect: { outcome: 'ingested', content: /A very long name/ } },
    { kind: 'name with quotes, semicolon and SQL', rel: `it's "quoted"; DROP TABLE documents;--.txt`, make: write(letter('Quotes in the name')), expect: { outcome: 'ingested', content: /Quotes in the name/ } },
    {
      kind: 'symlink loop (folder linking to its parent)',
      rel: 'loop/up',
      make: (p, r) => {
        mkdirSync(dirname(p), { recursive: true });
        symlinkSync(r, p);
      },
      expect: { outcome: 'ignored' },
    },
    { kind: 'symlink pointing at itself', rel: 'self.txt', make: (p) => symlinkSync(p, p), expect: { outcome: 'ignored' } },
    { kind: 'dangling symlink', rel: 'dangling.pdf', make: (p, r) => symlinkSync(join(r, 'no-such-file.pdf'), p), expect: { outcome: 'ignored' } },
    { kind: 'FIFO named .txt (reading it would block for ever)', rel: 'pipe.txt', make: (p) => void execFileSync('mkfifo', [p]), expect: { outcome: 'ignored' } },
    { kind: 'unsupported type', rel: 'movie.mkv', make: write('not a document'), expect: { outcome: 'unsupported' } },
  ];
  for (const c of cases) {
    const p = join(root, c.rel);
    mkdirSync(dirname(p), { recursive: true });
    await c.make(p, root);
  }
  return cases;
}
