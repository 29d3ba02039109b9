import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/main/extract/text';
import { ENCODING_SAMPLES } from './encoding-samples';
import { failure, useExtractWorkspace } from './support';

const ws = useExtractWorkspace('enc', { timeoutMs: 20_000, memoryLimitMb: 512 });
const { file } = ws;

/** Latin letters are the same bytes in every Western single-byte code page: any of them is a right answer. */
const WESTERN = new Set(['windows-1252', 'iso-8859-1', 'iso-8859-15']);
const GREEK = new Set(['windows-1253', 'iso-8859-7']);

describe('legacy encodings are decoded, not stored as mojibake', () => {
  for (const sample of ENCODING_SAMPLES) {
    for (const encoding of sample.encodings) {
      it(`${sample.language} in ${encoding} reads back as the original text, and says which encoding it was`, async () => {
        const path = file(`${sample.language.replace(/\W+/g, '-')}-${encoding}.txt`, iconv.encode(sample.text, encoding));
        const res = await ws.extractor.extractText(path, 'text');
        expect(res.text).toBe(sample.text);
        for (const w of sample.words) expect(res.text).toContain(w);
        expect(res.extraction?.encodingFrom).toBe('detected');
        const got = res.extraction!.encoding!;
        const family = WESTERN.has(encoding) ? WESTERN : GREEK.has(encoding) ? GREEK : null;
        if (family) expect(family.has(got), got).toBe(true);
        else expect(iconv.decode(iconv.encode(sample.text, encoding), got)).toBe(sample.text);
      });
    }
  }
});

describe('byte-order marks and UTF-8', () => {
  const text = ENCODING_SAMPLES.map((s) => s.text).join('\n');

  it('UTF-32 in both byte orders, with and without a BOM', async () => {
    for (const enc of ['utf-32le', 'utf-32be'] as const) {
      const body = iconv.encode(text, enc);
      const bom = iconv.encode('\ufeff', enc);
      const withBom = await ws.extractor.extractText(file(`bom-${enc}.txt`, Buffer.concat([bom, body])), 'text');
      expect(withBom.text).toBe(text);
      expect(withBom.extraction).toEqual({ encoding: enc, encodingFrom: 'bom' });
      const bare = await ws.extractor.extractText(file(`bare-${enc}.txt`, body), 'text');
      expect(bare.text).toBe(text);
      expect(bare.extraction?.encoding).toBe(enc);
    }
  });

  it('UTF-16 with a BOM', async () => {
    const res = await ws.extractor.extractText(file('bom-16be.txt', iconv.encode(text, 'utf-16be', { addBOM: true })), 'text');
    expect(res.text).toBe(text);
    expect(res.extraction).toEqual({ encoding: 'utf-16be', encodingFrom: 'bom' });
  });

  it('UTF-8 with one stray Latin-1 byte keeps all its text, reads that byte as Latin-1 and counts it', async () => {
    const good = Buffer.from(ENCODING_SAMPLES[0].text + ENCODING_SAMPLES[5].text);
    const stray = Buffer.concat([good.subarray(0, 200), Buffer.from([0xe9]), good.subarray(200)]);
    const res = await ws.extractor.extractText(file('stray.txt', stray), 'text');
    expect(res.extraction).toEqual({ encoding: 'utf-8', encodingFrom: 'utf-8', replacedBytes: 1 });
    expect(res.text).toBe(`${good.subarray(0, 200).toString('utf8')}é${good.subarray(200).toString('utf8')}`);
  });

  it('text no detector is sure of fails as text_encoding_unknown with the reason, never as mojibake', async () => {
    // Cyrillic and Japanese in two different legacy encodings in one file: no single decoding is right.
    const mixed = Buffer.concat([iconv.encode(ENCODING_SAMPLES[0].text.slice(0, 60), 'windows-1251'), iconv.encode(ENCODING_SAMPLES[1].text.slice(0, 40), 'shift_jis')]);
    const err = await failure(ws.extractor.extractText(file('mixed.txt', mixed), 'text'));
    expect(err.code).toBe('text_encoding_unknown');
    expect(err.failureClass).toBe('content');
    expect(err.message).toMatch(/confidence|recognised no encoding/);
  });

  it('random high bytes are refused in process too', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const bytes = Buffer.from(Array.from({ length: 3000 }, () => (rnd() < 0.2 ? 0x20 : 0x80 + Math.floor(rnd() * 128))));
    expect(() => decodeText(bytes)).toThrowError(expect.objectContaining({ code: 'text_encoding_unknown' }));
  });
});

describe('HTML honours its declared charset', () => {
  it('a Shift-JIS page with <meta charset="shift_jis"> reads as Japanese, without markup, scripts or styles', async () => {
    const ja = ENCODING_SAMPLES[1];
    const html = `<!DOCTYPE html><html><head><meta charset="shift_jis"><title>請求書 2024年10月</title><style>p{color:red}</style><script>var secret = "hidden";</script></head><body><h1>ご案内</h1><p>${ja.text}</p></body></html>`;
    const res = await ws.extractor.extractText(file('page.html', iconv.encode(html, 'shift_jis')), 'html');
    expect(res.extraction).toMatchObject({ encoding: 'shift_jis', encodingFrom: 'declared', format: 'html' });
    expect(res.text.startsWith('請求書 2024年10月\n\n')).toBe(true);
    for (const w of [...ja.words, 'ご案内']) expect(res.text).toContain(w);
    expect(res.text).not.toMatch(/<|DOCTYPE|secret|color:red/);
  });

  it('an http-equiv declaration of windows-1251 and an XHTML XML declaration of koi8-r', async () => {
    const ru = ENCODING_SAMPLES[0];
    const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head><body><p>${ru.text}</p></body></html>`;
    const a = await ws.extractor.extractText(file('ru.htm', iconv.encode(html, 'windows-1251')), 'html');
    expect(a.extraction).toMatchObject({ encoding: 'windows-1251', encodingFrom: 'declared' });
    for (const w of ru.words) expect(a.text).toContain(w);
    const xhtml = `<?xml version="1.0" encoding="KOI8-R"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>${ru.text}</p></body></html>`;
    const b = await ws.extractor.extractText(file('ru.xhtml', iconv.encode(xhtml, 'koi8-r')), 'html');
    expect(b.extraction).toMatchObject({ encoding: 'koi8-r', encodingFrom: 'declared' });
    for (const w of ru.words) expect(b.text).toContain(w);
  });
});
