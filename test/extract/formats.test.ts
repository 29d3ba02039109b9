import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImage, imageInfo } from '../../src/main/extract/image';
import { TEXT_BYTE_CAP, decodeText } from '../../src/main/extract/text';
import * as fx from '../support/fixtures';
import { failure, useExtractWorkspace } from './support';

const ws = useExtractWorkspace('extract', { timeoutMs: 20_000, memoryLimitMb: 512 });
const { file } = ws;

describe('text files', () => {
  const sample = 'Grüße aus Köln — Rechnung über 120 € für Müller & Söhne';

  it('reads UTF-8 with and without a BOM', async () => {
    expect((await ws.extractor.extractText(file('plain.txt', fx.utf8(sample)), 'text')).text).toBe(sample);
    const withBom = await ws.extractor.extractText(file('bom.txt', fx.utf8(sample, true)), 'text');
    expect(withBom).toEqual({ text: sample, source: 'text', extraction: { encoding: 'utf-8', encodingFrom: 'bom' } });
  });

  it('reads UTF-16 in both byte orders', async () => {
    expect((await ws.extractor.extractText(file('le.txt', fx.utf16(sample, 'le')), 'text')).text).toBe(sample);
    expect((await ws.extractor.extractText(file('be.txt', fx.utf16(sample, 'be')), 'text')).text).toBe(sample);
  });

  it('falls back to Latin-1 for bytes that are not UTF-8', async () => {
    const latin = 'Grüße aus Köln, Façade, naïve';
    expect((await ws.extractor.extractText(file('latin1.txt', fx.latin1(latin)), 'text')).text).toBe(latin);
  });

  it('refuses binary content with a .txt name', async () => {
    const err = await failure(ws.extractor.extractText(file('program.txt', fx.binaryBytes()), 'text'));
    expect(err.code).toBe('text_binary');
    expect(err.reason).toBe('binary content in a text file');
  });

  it('reads only the start of a huge text file and says so', async () => {
    const line = 'Line of a very long log file with ünïcödé characters.\n';
    const big = Buffer.from(line.repeat(Math.ceil((TEXT_BYTE_CAP * 1.25) / Buffer.byteLength(line))));
    const res = await ws.extractor.extractText(file('huge.log', big), 'text');
    expect(res.truncated).toBe(true);
    expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(TEXT_BYTE_CAP);
    expect(res.text.startsWith(line)).toBe(true);
    expect(res.text).not.toContain('\ufffd');
  });

  it('a file that vanished is reported as such', async () => {
    const err = await failure(ws.extractor.extractText(join(ws.dir, 'gone.txt'), 'text'));
    expect(err.code).toBe('file_vanished');
  });
});

describe('encoding detection (in process)', () => {
  it('detects BOM-less UTF-16 and cuts a trailing partial UTF-8 character', () => {
    expect(decodeText(Buffer.from('plain ascii text here', 'utf16le')).extraction.encoding).toBe('utf-16le');
    const euro = Buffer.from('price 5€', 'utf8');
    expect(decodeText(euro.subarray(0, euro.length - 1), { cut: true }).text).toBe('price 5');
  });
});

describe('PDF text layer', () => {
  it('returns the text of every page', async () => {
    const pdf = await fx.makeTextPdf(['Invoice 2024-117 from Acme GmbH', 'Total due: 1,250.00 EUR', 'Thank you for your business']);
    const res = await ws.extractor.extractText(file('text.pdf', pdf), 'pdf');
    expect(res.source).toBe('pdf');
    expect(res.pages).toBe(3);
    expect(res.text.split('\n\n')).toEqual(['Invoice 2024-117 from Acme GmbH', 'Total due: 1,250.00 EUR', 'Thank you for your business']);
  });

  it('an image-only PDF has pages but no text layer', async () => {
    const pdf = await fx.makeImagePdf(fx.makeTextPng('scanned letter'), { pages: 2 });
    const res = await ws.extractor.extractText(file('scan.pdf', pdf), 'pdf');
    expect(res).toMatchObject({ text: '', source: 'pdf', pages: 2 });
  });

  it('a password-protected PDF is pdf_encrypted', async () => {
    const err = await failure(ws.extractor.extractText(file('locked.pdf', fx.makeEncryptedPdf()), 'pdf'));
    expect(err.code).toBe('pdf_encrypted');
    expect(err.reason).toBe('PDF is password-protected');
    expect(err.failureClass).toBe('input');
  });

  it('truncated, empty and fake PDFs are pdf_corrupt', async () => {
    for (const [name, bytes] of [
      ['truncated.pdf', await fx.makeTruncatedPdf()],
      ['empty.pdf', new Uint8Array()],
      ['fake.pdf', fx.utf8('this is a text file named .pdf')],
    ] as const) {
      const err = await failure(ws.extractor.extractText(file(name, bytes), 'pdf'));
      expect(err.code, name).toBe('pdf_corrupt');
    }
  });
});

describe('DOCX', () => {
  it('extracts the paragraphs', async () => {
    const docx = await fx.makeDocx(['Employment contract', 'Between Jane Doe & Example Ltd <HR>']);
    const res = await ws.extractor.extractText(file('contract.docx', docx), 'docx');
    expect(res).toEqual({ text: 'Employment contract\n\nBetween Jane Doe & Example Ltd <HR>', source: 'text' });
  });

  it('a damaged zip is docx_corrupt', async () => {
    const err = await failure(ws.extractor.extractText(file('broken.docx', fx.makeJunkDocx()), 'docx'));
    expect(err.code).toBe('docx_corrupt');
  });
});

describe('image headers (in process)', () => {
  it('reads the size of PNG, JPEG, GIF, BMP and WebP without decoding', async () => {
    const { createCanvas } = await import('@napi-rs/canvas');
    const canvas = createCanvas(321, 123);
    expect(imageInfo(canvas.toBuffer('image/png'))).toEqual({ format: 'png', width: 321, height: 123 });
    expect(imageInfo(canvas.toBuffer('image/jpeg'))).toEqual({ format: 'jpeg', width: 321, height: 123 });
    expect(imageInfo(canvas.toBuffer('image/webp'))).toMatchObject({ format: 'webp', width: 321, height: 123 });
    const gif = Buffer.from('GIF89a\x41\x01\x7b\x00', 'latin1');
    expect(imageInfo(gif)).toEqual({ format: 'gif', width: 321, height: 123 });
  });

  it('an image bomb is refused from its header', () => {
    expect(() => checkImage(fx.makeImageBombPng())).toThrowError(expect.objectContaining({ code: 'image_too_large' }));
    expect(() => checkImage(Buffer.from('not an image'))).toThrowError(expect.objectContaining({ code: 'image_corrupt' }));
  });

  it('images have no text layer: extractText returns nothing', async () => {
    const res = await ws.extractor.extractText(file('photo.png', fx.makeTextPng('hello')), 'image');
    expect(res.text).toBe('');
  });
});
