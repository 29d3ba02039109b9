import { Readable } from 'node:stream';
import { createInflate } from 'node:zlib';

/*
 * Decoded rows of an image straight to the grey PGM tesseract takes, scaled on the way, without
 * the whole image ever decoded in memory: used for PNG scans (downscale.ts) and for the images of
 * scanned PDF pages (pdf-image.ts). Plain JavaScript over zlib: nothing here can take the process
 * down on a damaged file, it returns null and the caller falls back.
 */

/**
 * Feeds `chunks` (zlib data when `deflated`) to `scaler` row by row as they inflate, in 256 KB
 * steps (the event loop turns between them); null when the data is damaged, or holds more or fewer
 * rows than the image.
 */
export async function scaleRows(chunks: Uint8Array[], deflated: boolean, scaler: GreyScaler): Promise<Buffer | null> {
  const stride = scaler.stride;
  const row = new Uint8Array(stride);
  let filled = 0;
  const take = (chunk: Uint8Array) => {
    let at = 0;
    while (at < chunk.length) {
      const n = Math.min(stride - filled, chunk.length - at);
      row.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === stride) {
        scaler.row(row);
        filled = 0;
      }
    }
  };
  try {
    if (!deflated) for (const c of chunks) take(c);
    else for await (const c of Readable.from(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))).pipe(createInflate({ chunkSize: 256 * 1024 }))) take(c as Buffer);
    if (filled) return null;
    return scaler.finish();
  } catch {
    return null;
  }
}

/**
 * Raw 8-bit grey or RGB rows (PNG-predicted when `predicted`: a filter byte before each row) turned
 * grey (the luma greyPgm uses) and scaled to w × h by area averaging, into a PGM.
 */
export function scaleGrey(data: Uint8Array, width: number, height: number, comps: number, predicted: boolean, w: number, h: number): Buffer {
  const scaler = new GreyScaler(width, height, comps, predicted, w, h);
  const stride = scaler.stride;
  for (let y = 0; y < height; y++) scaler.row(data.subarray(y * stride, (y + 1) * stride));
  return scaler.finish();
}

/**
 * Turns rows of 8-bit pixels (1 grey, 2 grey+alpha, 3 RGB or 4 RGBA components; with a PNG filter
 * byte before each when `predicted`) into a grey PGM of w × h, one row at a time: grey by the luma
 * greyPgm uses (transparent is paper), scaled by area averaging. It holds two rows of the source and
 * the few output rows a source row reaches — never the whole image in either size.
 */
export class GreyScaler {
  readonly stride: number;
  private readonly rowBytes: number;
  private readonly xs: ReturnType<typeof spans>;
  private readonly ys: ReturnType<typeof spans>;
  private prev: Uint8Array;
  private cur: Uint8Array;
  private readonly grey: Uint8Array;
  private readonly hrow: Float32Array;
  private readonly pair: { j0: Int32Array; w0: Float32Array; w1: Float32Array } | null = null;
  /** Output rows still being added to, in a ring of `ring` rows; rows below `done` are written. */
  private readonly ring: number;
  private readonly acc: Float32Array;
  private done = 0;
  private y = 0;
  private readonly out: Buffer;
  private readonly offset: number;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly comps: number,
    private readonly predicted: boolean,
    private readonly w: number,
    private readonly h: number,
  ) {
    this.rowBytes = width * comps;
    this.stride = predicted ? this.rowBytes + 1 : this.rowBytes;
    this.xs = spans(width, w);
    this.ys = spans(height, h);
    this.prev = new Uint8Array(this.rowBytes);
    this.cur = new Uint8Array(this.rowBytes);
    this.grey = new Uint8Array(width);
    this.hrow = new Float32Array(w + 1);
    if (w <= width) {
      const j0 = new Int32Array(width);
      const w0 = new Float32Array(width);
      const w1 = new Float32Array(width);
      for (let x = 0; x < width; x++) {
        const k = this.xs.start[x];
        const n = this.xs.start[x + 1] - k;
        j0[x] = n ? this.xs.index[k] : w;
        w0[x] = n ? this.xs.weight[k] : 0;
        w1[x] = n > 1 ? this.xs.weight[k + 1] : 0;
      }
      this.pair = { j0, w0, w1 };
    }
    this.ring = Math.ceil(h / height) + 2;
    this.acc = new Float32Array(this.ring * w);
    const head = Buffer.from(`P5\n${w} ${h}\n255\n`, 'latin1');
    this.out = Buffer.alloc(head.length + w * h, 255);
    head.copy(this.out);
    this.offset = head.length;
  }

  /** The next source row (`stride` bytes). */
  row(bytes: Uint8Array): void {
    const { width, comps, w, xs, ys, grey, hrow, acc, ring } = this;
    if (this.y >= this.height) throw new Error('more rows than the image has');
    if (this.predicted) {
      unfilter(bytes[0], bytes.subarray(1), this.prev, this.cur, comps);
      [this.prev, this.cur] = [this.cur, this.prev];
    } else this.prev.set(bytes.subarray(0, this.rowBytes));
    toGrey(this.prev, grey, width, comps);
    hrow.fill(0);
    if (this.pair) hpassPair(grey, hrow, this.pair.j0, this.pair.w0, this.pair.w1, width);
    else hpass(grey, hrow, xs.start, xs.index, xs.weight, width);
    const first = ys.start[this.y] < ys.start[this.y + 1] ? ys.index[ys.start[this.y]] : this.done;
    this.flushBelow(first);
    for (let k = ys.start[this.y], n = ys.start[this.y + 1]; k < n; k++) {
      vadd(acc, (ys.index[k] % ring) * w, hrow, ys.weight[k], w);
    }
    this.y++;
  }

  /** The PGM, once every row was given. */
  finish(): Buffer {
    if (this.y !== this.height) throw new Error(`image ended after ${this.y} of ${this.height} rows`);
    this.flushBelow(this.h);
    return this.out;
  }

  private flushBelow(j: number): void {
    const { w, acc, ring, out } = this;
    for (; this.done < j; this.done++) {
      const at = (this.done % ring) * w;
      const to = this.offset + this.done * w;
      for (let x = 0; x < w; x++) {
        const v = Math.round(acc[at + x]);
        out[to + x] = v < 0 ? 0 : v > 255 ? 255 : v;
        acc[at + x] = 0;
      }
    }
  }
}

// The loops, as small functions of typed arrays: V8 optimizes them far better than one large method.

function toGrey(px: Uint8Array, grey: Uint8Array, width: number, comps: number): void {
  if (comps === 1) grey.set(px.subarray(0, width));
  else if (comps === 3) for (let x = 0, i = 0; x < width; x++, i += 3) grey[x] = (px[i] * 77 + px[i + 1] * 150 + px[i + 2] * 29) >> 8;
  else if (comps === 2) for (let x = 0, i = 0; x < width; x++, i += 2) grey[x] = px[i + 1] === 255 ? px[i] : 255 - (((255 - px[i]) * px[i + 1]) >> 8);
  else
    for (let x = 0, i = 0; x < width; x++, i += 4) {
      const luma = (px[i] * 77 + px[i + 1] * 150 + px[i + 2] * 29) >> 8;
      const a = px[i + 3];
      grey[x] = a === 255 ? luma : 255 - (((255 - luma) * a) >> 8);
    }
}

/** Scaling down: each source pixel reaches at most two output pixels. */
function hpassPair(grey: Uint8Array, hrow: Float32Array, j0: Int32Array, w0: Float32Array, w1: Float32Array, width: number): void {
  for (let x = 0; x < width; x++) {
    const v = grey[x];
    const j = j0[x];
    hrow[j] += v * w0[x];
    hrow[j + 1] += v * w1[x];
  }
}

function hpass(grey: Uint8Array, hrow: Float32Array, start: Uint32Array, index: Uint32Array, weight: Float32Array, width: number): void {
  for (let x = 0; x < width; x++) {
    const v = grey[x];
    for (let k = start[x], n = start[x + 1]; k < n; k++) hrow[index[k]] += v * weight[k];
  }
}

function vadd(acc: Float32Array, at: number, hrow: Float32Array, wy: number, w: number): void {
  for (let x = 0; x < w; x++) acc[at + x] += hrow[x] * wy;
}

/**
 * Area-averaging weights from `src` pixels onto `dst`: source pixel i covers [i·s, (i+1)·s) of the
 * output (s = dst / src); it adds to each output pixel it overlaps by the length of the overlap, so
 * every output pixel's weights sum to 1. Flattened: pixel i's entries are start[i] … start[i+1]-1.
 */
function spans(src: number, dst: number): { start: Uint32Array; index: Uint32Array; weight: Float32Array } {
  const s = dst / src;
  const start = new Uint32Array(src + 1);
  const index: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < src; i++) {
    start[i] = index.length;
    const a = i * s;
    const b = Math.min(dst, (i + 1) * s);
    for (let j = Math.floor(a); j < b && j < dst; j++) {
      const overlap = Math.min(b, j + 1) - Math.max(a, j);
      if (overlap > 1e-9) {
        index.push(j);
        weight.push(overlap);
      }
    }
  }
  start[src] = index.length;
  return { start, index: Uint32Array.from(index), weight: Float32Array.from(weight) };
}

/** PNG row filters (None, Sub, Up, Average, Paeth) undone into `out`, `prev` the row above. */
function unfilter(type: number, row: Uint8Array, prev: Uint8Array, out: Uint8Array, bpp: number): void {
  const n = row.length;
  switch (type) {
    case 0:
      out.set(row);
      return;
    case 1:
      for (let i = 0; i < n; i++) out[i] = (row[i] + (i >= bpp ? out[i - bpp] : 0)) & 255;
      return;
    case 2:
      for (let i = 0; i < n; i++) out[i] = (row[i] + prev[i]) & 255;
      return;
    case 3:
      for (let i = 0; i < n; i++) out[i] = (row[i] + (((i >= bpp ? out[i - bpp] : 0) + prev[i]) >> 1)) & 255;
      return;
    case 4:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? out[i - bpp] : 0;
        const b = prev[i];
        const c = i >= bpp ? prev[i - bpp] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        out[i] = (row[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
      }
      return;
    default:
      throw new Error(`PNG filter ${type}`);
  }
}

/** IHDR and the IDAT chunks of a PNG (no copies); null for anything but a non-interlaced 8-bit grey, grey+alpha, RGB or RGBA PNG. */
export function pngRows(b: Uint8Array): { width: number; height: number; comps: number; idat: Uint8Array[] } | null {
  const u32 = (i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  let at = 8;
  let head: { width: number; height: number; comps: number } | null = null;
  const idat: Uint8Array[] = [];
  while (at + 12 <= b.length) {
    const len = u32(at);
    const type = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    if (at + 12 + len > b.length) return null;
    const data = b.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      const comps = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]];
      if (len !== 13 || data[8] !== 8 || !comps || data[12] !== 0) return null;
      head = { width: u32(at + 8), height: u32(at + 12), comps };
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  return head && idat.length ? { ...head, idat } : null;
}

/** A PNG as a w × h grey PGM, decoded and scaled row by row; null when it is not one pngRows reads, or is damaged. */
export async function pngToGrey(bytes: Uint8Array, w: number, h: number): Promise<Buffer | null> {
  const png = pngRows(bytes);
  if (!png) return null;
  return scaleRows(png.idat, true, new GreyScaler(png.width, png.height, png.comps, true, w, h));
}
