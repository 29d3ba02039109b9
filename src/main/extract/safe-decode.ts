import { Readable } from 'node:stream';
import { createInflate, crc32 } from 'node:zlib';
import type { ImageInfo } from './image';

/**
 * Whether the native image decoder (@napi-rs/canvas) may be handed these bytes.
 * It does not survive every damaged file: a PNG cut after its header, or a JPEG
 * with junk tables, ends the whole extractor process (SIGSEGV), so only files
 * whose structure is intact go to it — a PNG whose every chunk has its CRC and
 * whose pixel data inflates to the size its header announces, a JPEG whose
 * segments and tables are well formed. Anything else goes to tesseract as it is,
 * whose WASM decoder fails safely (`image_corrupt`).
 */
export async function decodesSafely(bytes: Buffer, info: ImageInfo): Promise<boolean> {
  try {
    if (info.format === 'png') return await pngIntact(bytes);
    if (info.format === 'jpeg') return jpegIntact(bytes);
  } catch {
    return false;
  }
  return false;
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

async function pngIntact(b: Buffer): Promise<boolean> {
  let at = 8;
  let header: { width: number; height: number; depth: number; channels: number; interlaced: boolean } | null = null;
  const idat: Buffer[] = [];
  let ended = false;
  while (at + 12 <= b.length) {
    const len = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (at + 12 + len > b.length) return false;
    if (crc32(b.subarray(at + 4, at + 8 + len)) !== b.readUInt32BE(at + 8 + len)) return false;
    const data = b.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      const channels = PNG_CHANNELS[data[9]];
      if (len !== 13 || !channels || ![1, 2, 4, 8, 16].includes(data[8])) return false;
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], channels, interlaced: data[12] === 1 };
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    at += 12 + len;
  }
  if (!header || !ended || !idat.length) return false;
  const { width, height, depth, channels } = header;
  const rowBytes = (w: number) => (w ? 1 + Math.ceil((w * channels * depth) / 8) : 0);
  let expected = 0;
  if (!header.interlaced) expected = height * rowBytes(width);
  else {
    // Adam7: seven passes over sub-grids of the image.
    for (const [x0, y0, dx, dy] of [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]]) {
      const w = Math.ceil((width - x0) / dx);
      const h = Math.ceil((height - y0) / dy);
      if (w > 0 && h > 0) expected += h * rowBytes(w);
    }
  }
  // Counted as it streams, never held whole (a large scan inflates to hundreds of MB).
  let inflated = 0;
  for await (const chunk of Readable.from(idat).pipe(createInflate())) {
    inflated += (chunk as Buffer).length;
    if (inflated > expected) return false;
  }
  return inflated === expected;
}

function jpegIntact(b: Buffer): boolean {
  let i = 2;
  let frame = false;
  let huffman = false;
  while (i + 2 <= b.length) {
    if (b[i] !== 0xff) return false;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd9) return frame;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (i + 4 > b.length) return false;
    const len = b.readUInt16BE(i + 2);
    if (len < 2 || i + 2 + len > b.length) return false;
    const seg = b.subarray(i + 4, i + 2 + len);
    if (marker === 0xc4) {
      if (!huffmanTablesIntact(seg)) return false;
      huffman = true;
    } else if (marker === 0xdb) {
      if (!quantTablesIntact(seg)) return false;
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc8 && marker !== 0xcc) {
      // Only baseline and progressive Huffman frames: arithmetic and lossless ones are rare enough to leave to tesseract.
      if (![0xc0, 0xc1, 0xc2].includes(marker)) return false;
      const n = seg[5];
      if (seg.length !== 6 + 3 * n || n < 1 || n > 4 || seg[0] !== 8 || !seg.readUInt16BE(1) || !seg.readUInt16BE(3)) return false;
      frame = true;
    } else if (marker === 0xda) {
      const n = seg[0];
      if (!frame || !huffman || seg.length !== 4 + 2 * n || n < 1 || n > 4) return false;
      i += 2 + len;
      // Entropy-coded data: 0xFF is followed by a stuffed 0x00, a restart marker, fill, or the next marker.
      while (i + 1 < b.length && !(b[i] === 0xff && b[i + 1] !== 0x00 && b[i + 1] !== 0xff && (b[i + 1] < 0xd0 || b[i + 1] > 0xd7))) i++;
      if (i + 1 >= b.length) return true; // cut short: the decoder fills the rest with grey
      continue;
    }
    i += 2 + len;
  }
  return false;
}

function huffmanTablesIntact(seg: Buffer): boolean {
  let j = 0;
  while (j < seg.length) {
    if (j + 17 > seg.length || seg[j] >> 4 > 1 || (seg[j] & 15) > 3) return false;
    let count = 0;
    for (let k = 1; k <= 16; k++) count += seg[j + k];
    if (count > 256 || j + 17 + count > seg.length) return false;
    j += 17 + count;
  }
  return true;
}

function quantTablesIntact(seg: Buffer): boolean {
  let j = 0;
  while (j < seg.length) {
    const precision = seg[j] >> 4;
    if (precision > 1 || (seg[j] & 15) > 3) return false;
    j += 1 + 64 * (precision + 1);
  }
  return j === seg.length;
}
