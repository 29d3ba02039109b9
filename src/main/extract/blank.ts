import { IntakeError } from '../../shared/errors';

/**
 * A page with less ink than this share of its area (3 % margins ignored, where
 * scanners leave dark edges) is blank: it is not OCR'd. One short line of
 * 10 pt text on A4 inks ≈ 0.1 %; scanner dust on an empty sheet ≈ 0.01 %.
 */
export const BLANK_INK_SHARE = 0.0004;
/** A pixel darker than this (0–255 luminance) is ink. */
const INK_LUMA = 160;
const MARGIN = 0.03;

/** Share of dark pixels in RGBA data (every second pixel of every second row: ample for a page). */
export function inkShare(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): number {
  const x0 = Math.floor(width * MARGIN);
  const x1 = Math.ceil(width * (1 - MARGIN));
  const y0 = Math.floor(height * MARGIN);
  const y1 = Math.ceil(height * (1 - MARGIN));
  let ink = 0;
  let seen = 0;
  for (let y = y0; y < y1; y += 2) {
    let i = (y * width + x0) * 4;
    for (let x = x0; x < x1; x += 2, i += 8) {
      const a = rgba[i + 3] / 255;
      // Transparent pixels are paper.
      const luma = 255 - a * (255 - (0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]));
      if (luma < INK_LUMA) ink++;
      seen++;
    }
  }
  return seen ? ink / seen : 0;
}

/** inkShare over 8-bit grey pixels (one byte a pixel, `offset` bytes in: a PGM's header), sampled the same way. */
export function inkShareGrey(grey: Uint8Array, width: number, height: number, offset = 0): number {
  const x0 = Math.floor(width * MARGIN);
  const x1 = Math.ceil(width * (1 - MARGIN));
  const y0 = Math.floor(height * MARGIN);
  const y1 = Math.ceil(height * (1 - MARGIN));
  let ink = 0;
  let seen = 0;
  for (let y = y0; y < y1; y += 2) {
    for (let x = x0, i = offset + y * width + x0; x < x1; x += 2, i += 2) {
      if (grey[i] < INK_LUMA) ink++;
      seen++;
    }
  }
  return seen ? ink / seen : 0;
}

export function isBlank(share: number): boolean {
  return share < BLANK_INK_SHARE;
}

export function blankError(pages: number): IntakeError {
  return new IntakeError('ocr_no_text', 'OCR found no usable text', {
    message: pages === 1 ? `The page is blank (ink on less than ${BLANK_INK_SHARE * 100} % of it); it was not OCR'd.` : `All ${pages} pages are blank (ink on less than ${BLANK_INK_SHARE * 100} % of each); they were not OCR'd.`,
  });
}
