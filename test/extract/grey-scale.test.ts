import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inkShare, inkShareGrey } from '../../src/main/extract/blank';
import { greyPgm, napiCanvas, pgmInfo, prepareImage } from '../../src/main/extract/downscale';
import { GreyScaler, pngToGrey, scaleRows } from '../../src/main/extract/grey-scale';
import { checkImage } from '../../src/main/extract/image';
import { makeTextPng } from '../support/fixtures';
import { meanDiff } from './support';

/** A PNG drawn by the canvas: white, a black bar over the left third, grey text lines. */
function drawnPng(width: number, height: number): Buffer {
  const c = napiCanvas().createCanvas(width, height);
  const g = c.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#000000';
  g.fillRect(0, 0, Math.floor(width / 3), height);
  g.fillStyle = '#404040';
  g.font = `${Math.round(height / 20)}px "DejaVu Sans"`;
  for (let y = 1; y < 10; y++) g.fillText('scaled row by row', width / 2.5, (y * height) / 10);
  return c.encodeSync('png');
}

/** The canvas's own high-quality downscale of the same PNG, as grey: what prepareImage did before. */
async function canvasGrey(png: Buffer, w: number, h: number): Promise<Buffer> {
  const img = await napiCanvas().loadImage(png);
  const c = napiCanvas().createCanvas(w, h);
  const g = c.getContext('2d');
  g.imageSmoothingEnabled = true;
  g.imageSmoothingQuality = 'high';
  g.drawImage(img, 0, 0, w, h);
  return greyPgm(g.getImageData(0, 0, w, h).data, w, h);
}

describe('images decoded and scaled row by row (grey-scale.ts)', () => {
  it('a PNG scaled down row by row matches the canvas’s own downscale, edges averaged', async () => {
    const png = drawnPng(1500, 2000);
    const pgm = (await pngToGrey(png, 1000, 1333))!;
    const info = pgmInfo(pgm)!;
    expect(info).toMatchObject({ width: 1000, height: 1333 });
    const at = (x: number, y: number) => pgm[info.offset + y * 1000 + x];
    expect(at(100, 600)).toBe(0); // the bar
    expect(at(360, 5)).toBe(255); // paper
    // The bar ends at source x 500 = output x 333.3: that column is part bar, part paper.
    expect(at(333, 5)).toBeGreaterThan(40);
    expect(at(333, 5)).toBeLessThan(215);
    expect(meanDiff(pgm, await canvasGrey(png, 1000, 1333))).toBeLessThan(3);
  });

  it('grey, grey+alpha, RGB and RGBA rows, with every PNG filter, give the same grey', async () => {
    // 4 × 2 pixels: black, white, a grey of luma 76 (pure red), and paper where transparent.
    const rgba = [0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255, 9, 9, 9, 0];
    const want = [0, 255, 76, 255];
    for (const comps of [1, 2, 3, 4]) {
      const px = (i: number): number[] => {
        const [r, g, b, a] = rgba.slice(i * 4, i * 4 + 4);
        const grey = (r * 77 + g * 150 + b * 29) >> 8;
        return comps === 1 ? [a === 0 ? 255 : grey] : comps === 2 ? [grey, a] : comps === 3 ? (a === 0 ? [255, 255, 255] : [r, g, b]) : [r, g, b, a];
      };
      const row = [0, 1, 2, 3].flatMap(px);
      for (const filter of [0, 1, 2, 3, 4]) {
        // Two identical rows, each with the filter applied as a PNG encoder would.
        const enc = (cur: number[], prev: number[]) =>
          cur.map((v, i) => {
            const a = i >= comps ? cur[i - comps] : 0;
            const b = prev[i];
            const c = i >= comps ? prev[i - comps] : 0;
            const p = a + b - c;
            const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
            return (v - pred) & 255;
          });
        const data = deflateSync(Uint8Array.from([filter, ...enc(row, row.map(() => 0)), filter, ...enc(row, row)]));
        const pgm = (await scaleRows([data], true, new GreyScaler(4, 2, comps, true, 4, 2)))!;
        expect([...pgm.subarray(pgmInfo(pgm)!.offset)], `comps ${comps}, filter ${filter}`).toEqual([...want, ...want]);
      }
    }
  });

  it('damaged or short data is null (the caller falls back), never a half image', async () => {
    const png = drawnPng(600, 800);
    const { idat } = (await import('../../src/main/extract/grey-scale')).pngRows(png)!;
    const all = Buffer.concat(idat);
    expect(await scaleRows([all.subarray(0, all.length >> 1)], true, new GreyScaler(600, 800, 4, true, 300, 400))).toBeNull();
    expect(await scaleRows([Buffer.from('not zlib at all')], true, new GreyScaler(600, 800, 4, true, 300, 400))).toBeNull();
    // More rows than the header says: refused, however they inflate.
    expect(await scaleRows([deflateSync(Buffer.alloc(3 * 2 * 5))], true, new GreyScaler(2, 2, 1, true, 2, 2))).toBeNull();
    // An interlaced or 16-bit PNG is not read here.
    const ihdr = Buffer.from(png);
    ihdr[8 + 8 + 12] = 1;
    expect(await pngToGrey(ihdr, 300, 400)).toBeNull();
  });

  it('a 300 dpi scan is prepared without the canvas: same size and ink as before, within a grey level on average', async () => {
    const png = makeTextPng('The quarterly statement of the harbour office lists every vessel', { width: 2480, height: 3508, fontSize: 60 });
    const { image, ink } = await prepareImage(png, checkImage(png));
    const info = pgmInfo(image)!;
    expect(info.width * info.height).toBeLessThanOrEqual(4_000_000);
    const before = await canvasGrey(png, info.width, info.height);
    expect(meanDiff(image, before)).toBeLessThan(2);
    const old = pgmInfo(before)!;
    const rgba = new Uint8Array(old.width * old.height * 4);
    for (let i = 0; i < old.width * old.height; i++) {
      rgba.fill(before[old.offset + i], i * 4, i * 4 + 3);
      rgba[i * 4 + 3] = 255;
    }
    expect(ink).toBeGreaterThan(0);
    expect(Math.abs(ink! - inkShare(rgba, old.width, old.height))).toBeLessThan(ink! * 0.2);
    expect(inkShareGrey(image, info.width, info.height, info.offset)).toBe(ink);
  });
});
