import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Extraction } from '../../src/shared/domain';
import { ENCODING_SAMPLES } from '../extract/encoding-samples';
import { makeTextPng } from '../support/fixtures';
import { makeEmail, makeEpub, makeHtmlOnlyEmail, makeMixedPdf, makeOdt, makeRtf } from '../support/formats';
import { Workspace } from '../support/workspace';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace();
});
afterEach(async () => {
  await ws.close();
});

function stored(filename: string): { content: string; extraction: Extraction | null } {
  const row = ws.library().db.prepare('SELECT content, extraction FROM documents WHERE filename = ?').get(filename) as { content: string; extraction: string | null } | undefined;
  if (!row) throw new Error(`${filename} was not stored`);
  return { content: row.content, extraction: row.extraction ? (JSON.parse(row.extraction) as Extraction) : null };
}

describe('a library of legacy encodings, HTML, e-mail, RTF, ODT and EPUB', () => {
  it('stores the words a person reads, records how each was decoded, and fails the undecodable with a reason', async () => {
    const [ru, ja, zh] = ENCODING_SAMPLES;
    ws.write('ru-koi8.txt', iconv.encode(ru.text, 'koi8-r'));
    ws.write('ja-sjis.txt', iconv.encode(ja.text, 'shift_jis'));
    ws.write('zh-gb18030.txt', iconv.encode(zh.text, 'gb18030'));
    ws.write('page.html', iconv.encode(`<html><head><meta charset="shift_jis"><title>請求書のご案内</title></head><body><p>${ja.text}</p></body></html>`, 'shift_jis'));
    ws.write(
      'invoice.eml',
      makeEmail({
        subject: 'Rechnung Nr. 4711 — Müller & Söhne',
        fromName: 'Jürgen Weiß',
        text: 'Sehr geehrte Frau Müller,\nanbei die Rechnung über 1.234,56 € für die Reparatur der Heizungsanlage.\nMit freundlichen Grüßen',
        html: '<p>Sehr geehrte Frau <b>Müller</b>, anbei die Rechnung.</p>',
        charset: 'iso-8859-15',
        attachment: { name: 'rechnung-4711.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4 not really') },
      }),
    );
    ws.write('shipping.eml', makeHtmlOnlyEmail('Ihre Bestellung ist unterwegs', '<html><body><h2>Bestellung 998</h2><p>Ihre Lieferung kommt am <i>Donnerstag</i> zwischen 9 und 12 Uhr.</p><script>track()</script></body></html>'));
    ws.write('mixed.txt', Buffer.concat([iconv.encode(ru.text.slice(0, 60), 'windows-1251'), iconv.encode(ja.text.slice(0, 40), 'shift_jis')]));
    ws.write('letter.rtf', makeRtf());
    ws.write('lease.odt', await makeOdt());
    ws.write('book.epub', await makeEpub());
    const engine = ws.engine();

    const summary = await engine.ingest(ws.options({ ocr: false }));

    expect(summary).toMatchObject({ ingested: 9, failed: 1, unsupported: 0 });
    expect(stored('letter.rtf').content).toContain('anbei die Rechnung Nr. 4711 über 99,50 € für die Wartung.');
    expect(stored('lease.odt').content).toContain('Anna Schmidt   und Bernd Keller');
    expect(stored('book.epub').content).toContain('By morning the harbour was full of broken masts.');
    expect(stored('book.epub').extraction).toEqual({ format: 'epub' });
    const koi = stored('ru-koi8.txt');
    for (const w of ru.words) expect(koi.content).toContain(w);
    expect(koi.extraction).toMatchObject({ encoding: 'koi8-r', encodingFrom: 'detected' });
    expect(stored('ja-sjis.txt').extraction?.encoding).toBe('shift_jis');
    for (const w of zh.words) expect(stored('zh-gb18030.txt').content).toContain(w);
    const html = stored('page.html');
    expect(html.content.startsWith('請求書のご案内')).toBe(true);
    expect(html.content).not.toContain('<');
    expect(html.extraction).toMatchObject({ encoding: 'shift_jis', encodingFrom: 'declared', format: 'html' });
    const mail = stored('invoice.eml');
    expect(mail.content).toContain('Subject: Rechnung Nr. 4711 — Müller & Söhne');
    expect(mail.content).toContain('From: "Jürgen Weiß" <sender@example.org>');
    expect(mail.content).toContain('Rechnung über 1.234,56 € für die Reparatur');
    expect(mail.content).toContain('Attachments: rechnung-4711.pdf');
    expect(mail.content).not.toMatch(/=\?utf-8\?|=C3|=FC/i);
    expect(mail.extraction).toEqual({ format: 'email', attachments: ['rechnung-4711.pdf'] });
    const shipping = stored('shipping.eml');
    expect(shipping.content).toContain('Ihre Lieferung kommt am Donnerstag');
    expect(shipping.content).not.toContain('track()');
    const failed = ws.library(engine).db.prepare("SELECT stage, error_code, failure_class, reason FROM failed_files WHERE filename = 'mixed.txt'").get();
    expect(failed).toEqual({ stage: 'extract_text', error_code: 'text_encoding_unknown', failure_class: 'content', reason: 'text encoding unknown' });
  });

  it('a text PDF with a scanned page: OCR reads that page only, the others keep their text layer, and the document says which', async () => {
    const prose = 'Dear Ms Larsen,\nthank you for your order of the tenth of May. We are pleased to confirm that the goods have been sent to\nyou today and that the invoice for them is enclosed with this letter. Please pay the amount within thirty days.';
    ws.write('letter-with-scan.pdf', await makeMixedPdf([{ text: prose }, { scan: makeTextPng('Signed receipt 5521 for the delivery') }]));
    const engine = ws.engine();
    const summary = await engine.ingest(ws.options({ ocr: true }));
    expect(summary).toMatchObject({ ingested: 1, failed: 0 });
    const doc = stored('letter-with-scan.pdf');
    expect(doc.content).toContain('the goods have been sent to');
    expect(doc.content).toMatch(/receipt 5521/i);
    expect(doc.content.indexOf('goods')).toBeLessThan(doc.content.search(/receipt 5521/i));
    expect(doc.extraction).toEqual({ pages: 2, textLayerPages: [1], ocrPages: [2] });
    const row = ws.library(engine).db.prepare("SELECT content_source FROM documents WHERE filename = 'letter-with-scan.pdf'").get();
    expect(row).toEqual({ content_source: 'ocr' });
  });
});
