import UTIF from 'utif2';
import { IntakeError, errorMessage } from '../../shared/errors';
import { IMAGE_MAX_PIXELS, IMAGE_MAX_SIDE } from './image';

/** One decoded TIFF page: 8-bit RGBA. */
export interface TiffPage {
  rgba: Uint8Array;
  width: number;
  height: number;
}

export interface TiffFile {
  /** Pages (full-resolution images) in file order; thumbnails and reduced-resolution copies are not pages. */
  readonly pages: number;
  /** Decodes page `n` (1-based); a page that cannot be decoded is `image_corrupt`. */
  page(n: number): TiffPage;
}

/** More IFDs than this is not a scan: refused rather than walked. */
const MAX_IFDS = 10_000;
/** Compressions utif2 decodes (none, CCITT fax, LZW, JPEG, Deflate, PackBits and camera formats). */
const COMPRESSIONS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 32767, 32773, 32809, 32946, 34316, 34676, 34713, 34892]);
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

/**
 * A multi-page TIFF, read with utif2 (pure JavaScript: a damaged file throws,
 * it cannot take the process down). The directory structure is checked first —
 * utif2 follows a looping IFD chain forever and trusts every count — so a
 * damaged file is `image_corrupt`, never a hang.
 */
export function openTiff(bytes: Buffer): TiffFile {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let pages: UTIF.IFD[];
  try {
    checkStructure(new DataView(buffer));
    pages = (UTIF.decode as (b: ArrayBuffer, prm: { parseMN: boolean; debug: boolean }) => UTIF.IFD[])(buffer, { parseMN: false, debug: false }).filter((ifd) => ifd.t256 && ifd.t257 && !((num(ifd.t254) ?? 0) & 1));
  } catch (e) {
    throw corrupt(`The TIFF structure could not be read: ${errorMessage(e)}`, e);
  }
  if (!pages.length) throw corrupt('The TIFF holds no image.');
  return {
    pages: pages.length,
    page(n) {
      const ifd = pages[n - 1];
      const width = num(ifd.t256) ?? 0;
      const height = num(ifd.t257) ?? 0;
      if (width > IMAGE_MAX_SIDE || height > IMAGE_MAX_SIDE || width * height > IMAGE_MAX_PIXELS) {
        throw new IntakeError('image_too_large', 'image too large to OCR', { message: `TIFF page ${n} of ${width} × ${height} px exceeds the limit of ${IMAGE_MAX_PIXELS} pixels / ${IMAGE_MAX_SIDE} px per side.` });
      }
      const compression = num(ifd.t259) ?? 1;
      if (!COMPRESSIONS.has(compression)) throw corrupt(`TIFF page ${n} uses compression ${compression}, which Intake cannot decode.`);
      const offsets = (ifd.t324 ?? ifd.t273) as number[] | undefined;
      const counts = (ifd.t325 ?? ifd.t279) as number[] | undefined;
      if (!offsets?.length || offsets.some((o, i) => o + (counts?.[i] ?? 0) > buffer.byteLength)) throw corrupt(`TIFF page ${n}: its pixel data runs past the end of the file.`);
      try {
        (UTIF.decodeImage as (b: ArrayBuffer, ifd: UTIF.IFD, ifds: UTIF.IFD[]) => void)(buffer, ifd, pages);
        const rgba = UTIF.toRGBA8(ifd);
        if (rgba.length !== width * height * 4) throw new Error(`decoded ${rgba.length} bytes for ${width} × ${height} px`);
        return { rgba, width, height };
      } catch (e) {
        throw corrupt(`TIFF page ${n} could not be decoded: ${errorMessage(e)}`, e);
      } finally {
        // The decoded strips are not needed once converted.
        (ifd as { data?: Uint8Array }).data = undefined;
      }
    },
  };
}

function num(v: unknown): number | undefined {
  return Array.isArray(v) && typeof v[0] === 'number' ? v[0] : undefined;
}

function corrupt(message: string, cause?: unknown): IntakeError {
  return new IntakeError('image_corrupt', 'image is damaged or not a supported image', { message, cause });
}

/** Every IFD in bounds, visited once, with counts that fit the file; sub-IFDs to a small depth. */
function checkStructure(v: DataView): void {
  const le = v.getUint8(0) === 0x49;
  const seen = new Set<number>();
  const visit = (at: number, depth: number) => {
    if (depth > 4 || seen.has(at) || seen.size > MAX_IFDS || at < 8 || at + 2 > v.byteLength) throw new Error(`bad directory at ${at}`);
    seen.add(at);
    const count = v.getUint16(at, le);
    if (at + 2 + count * 12 + 4 > v.byteLength) throw new Error(`directory at ${at} runs past the end`);
    for (let k = 0; k < count; k++) {
      const e = at + 2 + k * 12;
      const tag = v.getUint16(e, le);
      const type = v.getUint16(e + 2, le);
      const n = v.getUint32(e + 4, le);
      const size = TYPE_SIZE[type];
      if (!size) {
        if (k === 0) throw new Error(`tag ${tag} has unknown type ${type}`);
        continue;
      }
      const bytes = n * size;
      const off = bytes <= 4 ? e + 8 : v.getUint32(e + 8, le);
      if (off + bytes > v.byteLength) throw new Error(`tag ${tag} runs past the end`);
      if ((tag === 330 || tag === 34665 || tag === 34853) && (type === 4 || type === 13)) {
        for (let j = 0; j < Math.min(n, 64); j++) visit(v.getUint32(off + 4 * j, le), depth + 1);
      }
    }
    return v.getUint32(at + 2 + count * 12, le);
  };
  let next = v.getUint32(4, le);
  do next = visit(next, 0);
  while (next !== 0);
}
