import { open, stat } from 'node:fs/promises';
import mammoth from 'mammoth';
import { IntakeError } from '../../shared/errors';
import { officeReadFailure } from './office-faults';
import type { ExtractResult } from './types';

/** DOCX files are unzipped in memory by mammoth; bigger ones are refused. */
export const DOCX_BYTE_CAP = 200 * 1024 * 1024;

/**
 * What a DOCX's parts may add up to once unzipped. Real documents inflate to a few MB (a 500-page
 * report ≈ 20 MB of XML); mammoth holds it all in memory several times over.
 */
export const DOCX_INFLATED_CAP = 256 * 1024 * 1024;

/** Plain text of a .docx (paragraphs separated by blank lines). */
export async function extractDocx(path: string): Promise<ExtractResult> {
  const { size } = await stat(path);
  if (size > DOCX_BYTE_CAP) {
    throw new IntakeError('file_too_large', 'DOCX too large', { message: `DOCX is ${size} bytes; the limit is ${DOCX_BYTE_CAP}.` });
  }
  const inflated = await zipInflatedSize(path, size);
  if (inflated !== null && inflated > DOCX_INFLATED_CAP) {
    throw new IntakeError('file_too_large', 'DOCX expands too large (a zip bomb?)', {
      message: `This ${mb(size)} DOCX says it unzips to ${mb(inflated)}; the limit is ${mb(DOCX_INFLATED_CAP)}, so it was not opened.`,
    });
  }
  try {
    const { value } = await mammoth.extractRawText({ path });
    return { text: value.replace(/\n{3,}/g, '\n\n').trim(), source: 'text' };
  } catch (e) {
    throw await officeReadFailure(path, 'DOCX', e);
  }
}

function mb(bytes: number): string {
  return bytes >= 1048576 ? `${Math.round(bytes / 1048576)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/**
 * The sum of the uncompressed sizes a zip's central directory declares (zip64 included), or null
 * when there is no readable directory (mammoth then says the file is damaged). Declared sizes can
 * lie; the extractor's memory watchdog is the backstop for those.
 */
export async function zipInflatedSize(path: string, size: number): Promise<number | null> {
  const fh = await open(path, 'r');
  try {
    const tailLen = Math.min(size, 65_557); // EOCD (22) + the longest comment (65 535)
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0 || eocd + 22 > tail.length) return null;
    let entries = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    const loc = eocd - 20;
    if ((entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && loc >= 0 && tail.readUInt32LE(loc) === 0x07064b50) {
      const z64 = Buffer.alloc(56);
      await fh.read(z64, 0, 56, Number(tail.readBigUInt64LE(loc + 8)));
      if (z64.readUInt32LE(0) !== 0x06064b50) return null;
      entries = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    if (cdSize > 64 * 1024 * 1024 || cdOffset + cdSize > size) return null;
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    let total = 0;
    let p = 0;
    for (let i = 0; i < entries && p + 46 <= cd.length; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) return null;
      let uncompressed = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      if (uncompressed === 0xffffffff) {
        // The zip64 extra field holds the real size first.
        let x = p + 46 + nameLen;
        const end = x + extraLen;
        while (x + 4 <= end) {
          const id = cd.readUInt16LE(x);
          const len = cd.readUInt16LE(x + 2);
          if (id === 0x0001 && len >= 8) uncompressed = Number(cd.readBigUInt64LE(x + 4));
          x += 4 + len;
        }
      }
      total += uncompressed;
      p += 46 + nameLen + extraLen + commentLen;
    }
    return total;
  } finally {
    await fh.close();
  }
}
