// Real memory, not just the JS heap: a file that makes the extractor grow (page canvases, WASM,
// zip bombs) is stopped by the pool's resident-size watchdog and recorded as extractor_oom; DOCX
// zip bombs are refused from their central directory before anything is inflated.
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExtractor } from '../../src/main/extract';
import { IntakeError } from '../../src/shared/errors';
import { makeDocx } from '../support/fixtures';
import { Workspace, letter } from '../support/workspace';
import { childPids } from './support';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-mem-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Resident size of this process and all its descendants, MB. */
function treeRssMb(pid = process.pid): number {
  let kb = 0;
  try {
    kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
  return kb / 1024 + childPids(pid).reduce((sum, c) => sum + treeRssMb(c), 0);
}

/** Samples the process tree's resident size until stopped; returns the peak in MB. */
function peakRss(): { stop: () => number } {
  let peak = treeRssMb();
  const t = setInterval(() => (peak = Math.max(peak, treeRssMb())), 20);
  return {
    stop: () => {
      clearInterval(t);
      return Math.round(Math.max(peak, treeRssMb()));
    },
  };
}

/**
 * A DOCX whose word/document.xml inflates to `inflated` bytes of real WordprocessingML (one
 * paragraph repeated), written as a stream: the test never holds more than a MB of it.
 */
async function writeDocxBomb(path: string, inflated: number): Promise<void> {
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

describe('the extractor\'s real memory is capped', () => {
  it('a job that grows outside the JS heap is killed at the limit and recorded as extractor_oom; the next job runs in a fresh process', async () => {
    const x = createExtractor({ workers: 1, ocrLanguages: ['eng'], pageCap: 1, cachePath: join(root, 'cache'), timeoutMs: 60_000, memoryLimitMb: 256, debug: true, rssLimitMb: 400 });
    const peak = peakRss();
    try {
      const e = await x.debug('debug_rss', 120_000).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(IntakeError);
      expect((e as IntakeError).code).toBe('extractor_oom');
      expect((e as IntakeError).message).toMatch(/over its 400 MB limit/);
      const ok = join(root, 'ok.txt');
      await import('node:fs').then((fs) => fs.writeFileSync(ok, letter('Still works')));
      expect((await x.extractText(ok, 'text')).text).toContain('Still works');
    } finally {
      const mb = peak.stop();
      await x.close();
      expect(mb).toBeLessThan(1536);
    }
  }, 180_000);

  it('a text job is not run beside a bomb: the file that grows is blamed alone, the other is extracted', async () => {
    const x = createExtractor({ workers: 2, ocrLanguages: ['eng'], pageCap: 1, cachePath: join(root, 'cache'), timeoutMs: 60_000, memoryLimitMb: 256, debug: true, rssLimitMb: 400 });
    try {
      const ok = join(root, 'ok.txt');
      await import('node:fs').then((fs) => fs.writeFileSync(ok, letter('Innocent bystander')));
      const [bomb, text] = await Promise.allSettled([x.debug('debug_rss', 120_000), x.extractText(ok, 'text')]);
      expect(bomb.status).toBe('rejected');
      expect(((bomb as PromiseRejectedResult).reason as IntakeError).code).toBe('extractor_oom');
      expect(text).toMatchObject({ status: 'fulfilled' });
    } finally {
      await x.close();
    }
  }, 180_000);
});

describe('DOCX zip bombs', () => {
  it.each([
    ['300 MB', 300 * 1024 * 1024],
    ['1 GB', 1024 * 1024 * 1024],
  ])('a DOCX that inflates to %s fails as file_too_large ("expands too large"), not "damaged"; the process tree stays under 1.5 GB', async (_n, bytes) => {
    const ws = new Workspace('intake-docxbomb-');
    try {
      await writeDocxBomb(join(ws.docs, 'bomb.docx'), bytes);
      ws.write('fine.docx', await makeDocx(letter('A real document')));
      const e = ws.engine();
      const peak = peakRss();
      const s = await e.ingest(ws.options({ ocr: false }));
      const mb = peak.stop();
      expect(s).toMatchObject({ ingested: 1, failed: 1, failedByStage: { extract_text: 1 } });
      const row = ws.library(e).failed.list({ offset: 0, limit: 5, sort: 'filename', dir: 'asc', filter: {} })[0];
      expect(row).toMatchObject({ filename: 'bomb.docx', errorCode: 'file_too_large', failureClass: 'input' });
      expect(row.reason).toMatch(/expands too large/);
      expect(row.errorMessage).toMatch(new RegExp(`unzips to ${Math.round(bytes / 1048576)} MB`));
      expect(mb).toBeLessThan(1536);
    } finally {
      await ws.close();
    }
  }, 300_000);
});
