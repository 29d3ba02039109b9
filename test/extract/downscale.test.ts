import { describe, expect, it } from 'vitest';
import { greyPgm, napiCanvas, pgmInfo, rotateImage } from '../../src/main/extract/downscale';
import { imageInfo } from '../../src/main/extract/image';

/** RGBA of a white `w` × `h` page with a black square in its top-left corner. */
function pageWithCorner(w: number, h: number, side: number): Uint8Array {
  const rgba = new Uint8Array(w * h * 4).fill(255);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) rgba.fill(0, (y * w + x) * 4, (y * w + x) * 4 + 3);
  return rgba;
}

describe('raw grey pixels for tesseract', () => {
  it('a page becomes a PGM of its luma, and transparent pixels are paper', () => {
    const rgba = new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255, 0, 0, 0, 0]);
    const pgm = greyPgm(rgba, 2, 2);
    const info = pgmInfo(pgm)!;
    expect(info).toMatchObject({ width: 2, height: 2 });
    expect([...pgm.subarray(info.offset)]).toEqual([0, 255, 76, 255]);
    expect(pgmInfo(pgm.subarray(0, pgm.length - 1))).toBeNull();
    expect(pgmInfo(Buffer.from('P6\n2 2\n255\n'))).toBeNull();
  });

  it('a page handed over as a PGM can still be turned upright: the ink moves with the turn', async () => {
    const pgm = greyPgm(pageWithCorner(40, 20, 5), 40, 20);
    const turned = await rotateImage(pgm, 90);
    expect(imageInfo(turned)).toMatchObject({ format: 'png', width: 20, height: 40 });
    const img = await napiCanvas().loadImage(turned);
    const c = napiCanvas().createCanvas(20, 40);
    c.getContext('2d').drawImage(img, 0, 0);
    const px = (x: number, y: number) => c.getContext('2d').getImageData(x, y, 1, 1).data[0];
    // Turned clockwise, the top-left corner is now the top-right one.
    expect(px(18, 1)).toBeLessThan(60);
    expect(px(1, 1)).toBeGreaterThan(200);
  });
});
