// Reasons a person can read and act on, from real files: a text of digits says it has no words
// (not "only 8 388 602 meaningful characters"), a password-protected DOCX says so, a DOCX of
// tables inside tables is "nested too deeply" (not a call-stack message), no "EACCES: EACCES:",
// and a path longer than PATH_MAX is a permanent input failure, not a transient one.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailedFile } from '../../src/shared/domain';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace('intake-reasons-');
});
afterEach(async () => {
  await ws.close();
});

/** A compound file (OLE/CFB, 512-byte sectors) with these stream names: what Office writes for a password-protected .docx. */
function compoundFile(streams: string[]): Buffer {
  const sector = 512;
  const header = Buffer.alloc(sector, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18); // minor version
  header.writeUInt16LE(3, 0x1a); // major version 3
  header.writeUInt16LE(0xfffe, 0x1c); // byte order
  header.writeUInt16LE(9, 0x1e); // sector shift: 512
  header.writeUInt16LE(6, 0x20); // mini sector shift: 64
  header.writeUInt32LE(1, 0x2c); // FAT sectors
  header.writeUInt32LE(1, 0x30); // first directory sector
  header.writeUInt32LE(4096, 0x38); // mini stream cutoff
  header.writeUInt32LE(0xfffffffe, 0x3c); // no mini FAT
  header.writeUInt32LE(0xfffffffe, 0x44); // no DIFAT sectors
  header.fill(0xff, 0x4c);
  header.writeUInt32LE(0, 0x4c); // DIFAT[0]: the FAT is sector 0
  const fat = Buffer.alloc(sector, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0); // sector 0: FAT
  fat.writeUInt32LE(0xfffffffe, 4); // sector 1: directory, end of chain
  const dir = Buffer.alloc(sector, 0);
  const entry = (i: number, name: string, type: number) => {
    const at = i * 128;
    const n = Buffer.from(`${name}\0`, 'utf16le');
    n.copy(dir, at);
    dir.writeUInt16LE(n.length, at + 0x40);
    dir.writeUInt8(type, at + 0x42);
    dir.writeUInt32LE(0xffffffff, at + 0x44);
    dir.writeUInt32LE(0xffffffff, at + 0x48);
    dir.writeUInt32LE(i === 0 && streams.length ? 1 : 0xffffffff, at + 0x4c);
    dir.writeUInt32LE(0xfffffffe, at + 0x74);
  };
  entry(0, 'Root Entry', 5);
  streams.forEach((s, i) => {
    entry(i + 1, s, 2);
    if (i + 1 < streams.length) dir.writeUInt32LE(i + 2, (i + 1) * 128 + 0x48);
  });
  return Buffer.concat([header, fat, dir]);
}

/** A DOCX whose body is `depth` tables, each inside the one before. */
async function nestedTablesDocx(depth: number): Promise<Buffer> {
  let body = '<w:p><w:r><w:t>the innermost cell</w:t></w:r></w:p>';
  for (let i = 0; i < depth; i++) body = `<w:tbl><w:tr><w:tc>${body}</w:tc></w:tr></w:tbl><w:p/>`;
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file('word/document.xml', `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

function rows(e: ReturnType<Workspace['engine']>): Map<string, FailedFile> {
  return new Map(ws.library(e).failed.list({ offset: 0, limit: 100, sort: 'filename', dir: 'asc', filter: {} }).map((r) => [r.filename, r]));
}

describe('reasons a person can read', () => {
  it('digits only, a password-protected DOCX, an old .doc named .docx, tables nested 3000 deep: each says what it is', async () => {
    ws.write('numbers.txt', '1234567890 '.repeat(800_000)); // 8.8 MB of digits: letters or digits by the million, no words
    ws.write('header-then-text.txt', `${'#$%&*@!~^'.repeat(4000)}\n${letter('A long letter after a junk header').repeat(300)}`);
    ws.write('protected.docx', compoundFile(['EncryptionInfo', 'EncryptedPackage']));
    ws.write('old-word.docx', compoundFile(['WordDocument', '1Table']));
    ws.write('nested.docx', await nestedTablesDocx(3000));
    const e = ws.engine();
    const s = await e.ingest(ws.options({ ocr: false }));
    expect(s).toMatchObject({ ingested: 1, failed: 4 });
    const r = rows(e);

    const numbers = r.get('numbers.txt')!;
    expect(numbers).toMatchObject({ errorCode: 'text_insufficient', failureClass: 'content' });
    expect(numbers.errorMessage).toMatch(/no words/);
    expect(numbers.errorMessage).not.toMatch(/Only \d+ meaningful/);

    expect(r.get('protected.docx')).toMatchObject({ errorCode: 'document_encrypted', reason: 'DOCX is password-protected', failureClass: 'input' });
    expect(r.get('protected.docx')!.errorMessage).not.toMatch(/https?:|jszip|central directory/i);
    expect(r.get('old-word.docx')).toMatchObject({ errorCode: 'document_corrupt', failureClass: 'input' });
    expect(r.get('old-word.docx')!.reason).toMatch(/old Word/);

    const nested = r.get('nested.docx')!;
    expect(nested).toMatchObject({ errorCode: 'document_too_complex', reason: 'DOCX is nested too deeply to read', failureClass: 'input' });
  }, 180_000);

  it('a folder whose path is longer than PATH_MAX: a permanent input failure that says so, once, without a doubled code', async () => {
    // Built with relative steps (a shell's cd), as deep trees are made on real disks.
    const name = 'd'.repeat(250);
    const levels = 18; // 18 × 251 > 4096
    execFileSync('bash', ['-c', `cd "$1" && for i in $(seq ${levels}); do mkdir ${name} && cd ${name}; done && printf '%s' "$2" > deep.txt`, 'bash', ws.docs, letter('Deep letter')]);
    writeFileSync(join(ws.docs, 'near.txt'), letter('A letter near the top'));
    const e = ws.engine();
    const s = await e.ingest(ws.options({ ocr: false }));
    expect(s.ingested).toBe(1);
    const failed = [...rows(e).values()];
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ errorCode: 'file_unreadable', failureClass: 'input', stage: 'hash' });
    expect(failed[0].reason).toMatch(/path too long/);
    expect(failed[0].errorMessage).not.toMatch(/(E[A-Z]+): \1:/);
    execFileSync('rm', ['-rf', join(ws.docs, name)]);
  }, 180_000);
});
