// A DOCX zip bomb for tests and the hostile-corpus bench, written as a stream.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import zlib from 'node:zlib';

/**
 * A DOCX whose word/document.xml inflates to `inflated` bytes of real WordprocessingML (one
 * paragraph repeated), written as a stream: the test never holds more than a MB of it.
 */
export async function writeDocxBomb(path: string, inflated: number): Promise<void> {
  const out = createWriteStream(path);
  const entries: { name: Buffer; crc: number; csize: number; usize: number; offset: number }[] = [];
  let offset = 0;
  const write = async (b: Buffer) => {
    offset += b.length;
    if (!out.write(b)) await once(out, 'drain');
  };
  const localHeader = (name: Buffer) => {
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x0008, 6); // sizes and CRC follow in a data descriptor
    h.writeUInt16LE(8, 8); // deflate
    h.writeUInt16LE(name.length, 26);
    return Buffer.concat([h, name]);
  };
  const addEntry = async (nameStr: string, produce: (push: (b: Buffer) => Promise<void>) => Promise<void>) => {
    const name = Buffer.from(nameStr);
    const start = offset;
    await write(localHeader(name));
    let crc = 0;
    let usize = 0;
    let csize = 0;
    const deflate = zlib.createDeflateRaw({ level: 1 });
    deflate.on('data', (c: Buffer) => {
      csize += c.length;
      offset += c.length;
      out.write(c);
    });
    const ended = once(deflate, 'end');
    await produce(async (b) => {
      crc = zlib.crc32(b, crc);
      usize += b.length;
      if (!deflate.write(b)) await once(deflate, 'drain');
    });
    deflate.end();
    await ended;
    const dd = Buffer.alloc(16);
    dd.writeUInt32LE(0x08074b50, 0);
    dd.writeUInt32LE(crc >>> 0, 4);
    dd.writeUInt32LE(csize, 8);
    dd.writeUInt32LE(usize, 12);
    await write(dd);
    entries.push({ name, crc, csize, usize, offset: start });
  };
  await addEntry('[Content_Types].xml', async (push) =>
    push(Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')),
  );
  await addEntry('_rels/.rels', async (push) =>
    push(Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')),
  );
  await addEntry('word/document.xml', async (push) => {
    const head = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>');
    const tail = Buffer.from('</w:body></w:document>');
    const para = '<w:p><w:r><w:t>All work and no play makes a very large document.</w:t></w:r></w:p>';
    const block = Buffer.from(para.repeat(Math.floor((1024 * 1024) / para.length)));
    await push(head);
    let left = inflated - head.length - tail.length;
    while (left > 0) {
      const b = left >= block.length ? block : block.subarray(0, left - (left % para.length));
      if (b.length === 0) break;
      await push(b);
      left -= b.length;
    }
    await push(tail);
  });
  const cdStart = offset;
  for (const e of entries) {
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(20, 6);
    h.writeUInt16LE(0x0008, 8);
    h.writeUInt16LE(8, 10);
    h.writeUInt32LE(e.crc >>> 0, 16);
    h.writeUInt32LE(e.csize, 20);
    h.writeUInt32LE(e.usize, 24);
    h.writeUInt16LE(e.name.length, 28);
    h.writeUInt32LE(e.offset, 42);
    await write(Buffer.concat([h, e.name]));
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(offset - cdStart, 12);
  eocd.writeUInt32LE(cdStart, 16);
  await write(eocd);
  out.end();
  await once(out, 'close');
}
