import { describe, expect, it } from 'vitest';
import { KIND_BY_EXT } from '../../src/main/extract/types';
import { makeEpub, makeOdt, makeRtf } from '../support/formats';
import { failure, useExtractWorkspace } from './support';

const ws = useExtractWorkspace('docs', { timeoutMs: 20_000, memoryLimitMb: 512 });
const { file } = ws;

describe('RTF, ODT and EPUB are read as text, not stored raw', () => {
  it('RTF: the letter without control words, font tables, metadata or pictures; escaped bytes and \\u characters decoded', async () => {
    const res = await ws.extractor.extractText(file('letter.rtf', makeRtf()), KIND_BY_EXT['.rtf']);
    expect(res.text).toBe('Sehr geehrte Frau Müller,\nanbei die Rechnung Nr. 4711 über 99,50 € für die Wartung.\nMit freundlichen Grüßen\nJürgen Weiß');
    expect(res.extraction).toEqual({ format: 'rtf' });
  });

  it('ODT: heading, paragraphs, tabs, spaces, line breaks and table cells', async () => {
    const res = await ws.extractor.extractText(file('lease.odt', await makeOdt()), KIND_BY_EXT['.odt']);
    expect(res.text).toBe('Mietvertrag & Hausordnung\nZwischen\tAnna Schmidt   und Bernd Keller\nwird folgender Vertrag geschlossen.\nKaltmiete\n\t850 €');
    expect(res.extraction).toEqual({ format: 'odt' });
  });

  it('EPUB: the title, then the chapters in spine order as text', async () => {
    const res = await ws.extractor.extractText(file('book.epub', await makeEpub()), KIND_BY_EXT['.epub']);
    const one = res.text.indexOf('The storm arrived at midnight');
    const two = res.text.indexOf('By morning the harbour was full of broken masts');
    expect(res.text.startsWith('The Lighthouse Keeper')).toBe(true);
    expect(one).toBeGreaterThan(0);
    expect(two).toBeGreaterThan(one);
    expect(res.text).not.toMatch(/<|margin/);
  });

  it('a damaged RTF, ODT or EPUB is document_corrupt', async () => {
    for (const [name, bytes] of [
      ['fake.rtf', 'just text named .rtf'],
      ['fake.odt', 'PK\x03\x04 not really a zip'],
      ['fake.epub', 'not a zip at all'],
    ] as const) {
      const err = await failure(ws.extractor.extractText(file(name, bytes), KIND_BY_EXT[name.slice(name.lastIndexOf('.'))]));
      expect(err.code, name).toBe('document_corrupt');
    }
  });

  it('Markdown stays text', () => {
    expect(KIND_BY_EXT['.md']).toBe('text');
  });
});
