import { describe, expect, it } from 'vitest';
import { runInNewContext } from 'node:vm';
import { judgePageText } from '../../src/main/extract/pdf';
import { makeTextPng } from '../support/fixtures';
import { makeMixedPdf } from '../support/formats';
import { failure, useExtractWorkspace } from './support';

const ws = useExtractWorkspace('pages');
const { file } = ws;

const PROSE =
  'Dear Mr Jones,\nthank you for your letter of the fourth of March. We are pleased to confirm that the repair of the\nroof has been completed and that the invoice for the work is enclosed with this letter. Please pay\nthe amount within thirty days to the account given on the invoice. We thank you for your trust.';

describe('PDF pages: text layer where it is good, OCR where it is not', () => {
  it('a scanned page before a text page is OCR’d; the text page keeps its text layer; order is kept and recorded', async () => {
    const pdf = await makeMixedPdf([{ scan: makeTextPng('Scanned delivery note 8812 for Harbour Street') }, { text: PROSE }]);
    const path = file('scan-then-text.pdf', pdf);
    const layer = await ws.extractor.extractText(path, 'pdf');
    expect(layer.ocrWanted).toEqual([1]);
    expect(layer.extraction).toMatchObject({ pages: 2, textLayerPages: [2], unreadPages: [1] });
    const res = await ws.extractor.ocr(path, 'pdf', { whereNeeded: true });
    expect(res.extraction).toEqual({ pages: 2, textLayerPages: [2], ocrPages: [1] });
    expect(res.source).toBe('ocr');
    const scanned = res.text.search(/delivery note 8812/i);
    const typed = res.text.indexOf('the roof has been completed'.replace('the roof', 'the\nroof'));
    expect(scanned).toBeGreaterThanOrEqual(0);
    expect(typed).toBeGreaterThan(scanned);
  });

  it('a page whose text layer is junk (wrong letters under the picture) is OCR’d instead, and said so', async () => {
    const pdf = await makeMixedPdf([{ scan: makeTextPng('Invoice number 4711 from Northwind Traders'), hiddenText: 'Vaibvpr ahzore 4711 sebz Abeguvaq Genqref' }]);
    const path = file('garbage.pdf', pdf);
    const layer = await ws.extractor.extractText(path, 'pdf');
    expect(layer.ocrWanted).toEqual([1]);
    const res = await ws.extractor.ocr(path, 'pdf', { whereNeeded: true });
    expect(res.text).toMatch(/Invoice number 4711/);
    expect(res.text).not.toContain('Vaibvpr');
    expect(res.extraction).toMatchObject({ garbagePages: [1], ocrPages: [1] });
  });

  it('a filled form keeps the values the person typed and picked, beside its labels', async () => {
    const pdf = await makeMixedPdf([{ form: { title: 'Application for a parking permit', name: 'Margarethe Vogelsang', district: 'Riverside' } }]);
    const res = await ws.extractor.extractText(file('form.pdf', pdf), 'pdf');
    expect(res.text).toContain('Application for a parking permit');
    expect(res.text).toContain('name: Margarethe Vogelsang');
    expect(res.text).toContain('district: Riverside');
    expect(res.extraction).toMatchObject({ formFields: 2 });
  });

  it('blank pages are skipped by ink coverage; an all-blank scan fails fast as ocr_no_text, the same way every time', async () => {
    const allBlank = file('blank.pdf', await makeMixedPdf([{ blank: true }, { blank: true }]));
    for (let i = 0; i < 2; i++) {
      const err = await failure(ws.extractor.ocr(allBlank, 'pdf', { whereNeeded: true }));
      expect(err.code).toBe('ocr_no_text');
      expect(err.message).toBe('All 2 pages are blank (ink on less than 0.04 % of each); they were not OCR’d.'.replace('’', "'"));
    }
    const blankPng = file('blank.png', makeTextPng('', { width: 1200, height: 1600 }));
    const img = await failure(ws.extractor.ocr(blankPng, 'image'));
    expect(img.code).toBe('ocr_no_text');
    expect(img.message).toMatch(/^The page is blank/);
  });

  it('judges text layers by their characters and words', () => {
    expect(judgePageText('')).toBe('empty');
    expect(judgePageText('\uE001\uE002\uE003\uE004\uE005 \uE006\uE007\uE008\uE009\uE00A \uE00B\uE00C\uE00D\uE00E\uE00F\uE010 ab cd ef gh ij kl mn')).toBe('garbage');
    expect(judgePageText(PROSE)).toBe('good');
    expect(judgePageText('Vaibvpr ahzore 4711 sebz Abeguvaq Genqref')).toBe('suspect');
    expect(judgePageText('Уважаемый Иван Петрович, направляем вам счёт на оплату')).toBe('good');
  });
});

describe('the text layer without the standard font programs', () => {
  it('reads the same text from the 14 standard fonts (Helvetica, Times, Courier, Symbol) with and without loading their font files', async () => {
    const { PDFDocument, StandardFonts } = await import('pdf-lib');
    const { openPdf, readPdfPage } = await import('../../src/main/extract/pdf');
    const doc = await PDFDocument.create();
    const page = doc.addPage([612, 792]);
    let y = 740;
    for (const name of [StandardFonts.Helvetica, StandardFonts.TimesRomanBoldItalic, StandardFonts.Courier]) {
      page.drawText(`Invoice 4711 from Northwind Traders, in ${name}: façade, naïve, 30 €`, { x: 40, y, size: 12, font: await doc.embedFont(name) });
      y -= 30;
    }
    page.drawText('αβγ', { x: 40, y, size: 12, font: await doc.embedFont(StandardFonts.Symbol) });
    const path = ws.file('standard-fonts.pdf', await doc.save());
    const read = async (textOnly: boolean) => {
      const d = await openPdf(path, { textOnly });
      try {
        return (await readPdfPage(d, 1, false)).text;
      } finally {
        await d.destroy();
      }
    };
    const text = await read(true);
    expect(text).toContain('Invoice 4711 from Northwind Traders, in Helvetica: façade, naïve, 30 €');
    expect(text).toContain('in Courier:');
    expect(text).toContain('αβγ');
    expect(text).toBe(await read(false));
  });
});

describe('the text layer’s CPU (issue 15)', () => {
  it('counts letters, junk and Latin characters as one match per code point did (surrogate pairs, lone halves, private use, controls)', async () => {
    const { countOf } = await import('../../src/shared/text-quality');
    const classes = [/[\p{L}\p{N}]/gu, /[\uFFFD\uE000-\uF8FF]|(?![\t\n\v\f\r])\p{Cc}/gu, /[A-Za-z\u00C0-\u024F]/g];
    const texts = ['', 'Invoice 4711 from Northwind Traders', 'façade naïve 30 €\n\tÆøå', '日本語のテキスト 123', '𝐀𝐁𝐂 math letters 𠀀𠀁 and emoji 😀', 'lone \uD800 half \uDC00 here', '\uE000\uE001\uFFFD\u0001\u0007 junk\r\n', 'ἀρχή Ωμέγα'];
    for (const text of texts) for (const re of classes) expect(countOf(text, re), `${JSON.stringify(text)} ${re}`).toBe(text.match(re)?.length ?? 0);
  });

  it('puts the engine’s own Array.prototype.push back after pdf.js’s legacy build (core-js) swapped it for a JavaScript one', async () => {
    const { loadPdfJs } = await import('../../src/main/extract/pdf');
    await loadPdfJs();
    // core-js also replaces Function.prototype.toString so that its functions look native: ask another realm's.
    const toString = runInNewContext('Function.prototype.toString') as (this: unknown) => string;
    expect(toString.call(Array.prototype.push)).toMatch(/^function push\(\) \{ \[native code\] \}$/);
    // What core-js adds for Node 20, and pdf.js uses, stays.
    expect(typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers).toBe('function');
    expect(Object.getOwnPropertyDescriptor(Array.prototype, 'push')).toMatchObject({ enumerable: false, writable: true, configurable: true });
  });

  it('inflates a text layer’s Flate streams with pdf.js’s own code, to the same text as through the native DecompressionStream', async () => {
    const { PDFDocument, StandardFonts } = await import('pdf-lib');
    const { loadPdfJs, extractPdfText } = await import('../../src/main/extract/pdf');
    await loadPdfJs();
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let p = 0; p < 3; p++) doc.addPage([612, 792]).drawText(`${PROSE}\nPage ${p + 1} of the letter about the roof.`, { x: 40, y: 740, size: 11, font, lineHeight: 14 });
    const bytes = await doc.save();
    expect(Buffer.from(bytes).toString('latin1')).toContain('/FlateDecode');
    const path = ws.file('flate-text.pdf', bytes);
    const Shim = globalThis.DecompressionStream;
    const Native = Object.getPrototypeOf(Shim) as typeof DecompressionStream;
    expect(() => new Shim('deflate')).toThrow(TypeError);
    expect(() => new Shim('gzip')).not.toThrow();
    const inline = await extractPdfText(path);
    globalThis.DecompressionStream = Native;
    try {
      expect(await extractPdfText(path)).toEqual(inline);
    } finally {
      globalThis.DecompressionStream = Shim;
    }
    expect(inline.text).toContain('Page 3 of the letter about the roof.');
    expect(inline.extraction).toEqual({ pages: 3, textLayerPages: [1, 2, 3] });
  });

  it('drawing a page for OCR still inflates its Flate image through the native DecompressionStream; reading the text layer does not', async () => {
    const { loadPdfJs, extractPdfText, openPdf, renderPdfPageInked } = await import('../../src/main/extract/pdf');
    await loadPdfJs();
    const pdf = await makeMixedPdf([{ scan: makeTextPng('Scanned delivery note 8812 for Harbour Street') }, { text: PROSE }]);
    expect(Buffer.from(pdf).toString('latin1')).toContain('/FlateDecode');
    const path = ws.file('flate-image.pdf', pdf);
    const Shim = globalThis.DecompressionStream;
    const made: string[] = [];
    globalThis.DecompressionStream = class extends Shim {
      constructor(format: CompressionFormat) {
        super(format);
        made.push(format);
      }
    };
    try {
      await extractPdfText(path);
      expect(made).toEqual([]);
      const doc = await openPdf(path);
      try {
        const page = await renderPdfPageInked(doc, 1);
        expect(page.ink).toBeGreaterThan(0);
      } finally {
        await doc.destroy();
      }
      expect(made).toContain('deflate');
    } finally {
      globalThis.DecompressionStream = Shim;
    }
  });
});
