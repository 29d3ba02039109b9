/**
 * Issue 13's figures: how often the charset detector picks a decoding that
 * gives the original text back (jschardet, which Intake uses, beside chardet),
 * on the samples the tests use, each cut to 60 and 200 characters and whole.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import jschardet from 'jschardet';
import { decodeText } from '../../src/main/extract/text';
import { ENCODING_SAMPLES } from '../../test/extract/encoding-samples';
import type { Ctx } from '../context';
import { sample, type Row } from '../report';

function decodesBack(bytes: Buffer, encoding: string | null | undefined, text: string): boolean {
  if (!encoding || !iconv.encodingExists(encoding)) return false;
  return iconv.decode(bytes, encoding) === text;
}

export function encodingFigure(ctx: Ctx): Row {
  let cases = 0;
  let js = 0;
  let cd = 0;
  let intake = 0;
  let refused = 0;
  const misses: string[] = [];
  let bytes = 0;
  let ms = 0;
  for (const len of [60, 200, Infinity]) {
    for (const s of ENCODING_SAMPLES) {
      for (const enc of s.encodings) {
        const text = [...s.text].slice(0, len).join('');
        const buf = iconv.encode(text, enc);
        cases++;
        if (decodesBack(buf, jschardet.detect(buf).encoding, text)) js++;
        else misses.push(`jschardet ${s.language}/${enc}/${len}`);
        const c = chardet.analyse(buf)[0]?.name;
        if (decodesBack(buf, c, text)) cd++;
        else misses.push(`chardet ${s.language}/${enc}/${len}: ${c}`);
        const t0 = performance.now();
        try {
          if (decodeText(buf).text === text) intake++;
          else misses.push(`intake ${s.language}/${enc}/${len}: wrong text`);
        } catch {
          refused++;
          misses.push(`intake ${s.language}/${enc}/${len}: refused`);
        }
        ms += performance.now() - t0;
        bytes += buf.length;
      }
    }
  }
  ctx.log(`  encodings: jschardet ${js}/${cases}, chardet ${cd}/${cases}, Intake's decoder ${intake}/${cases} (${refused} refused)`);
  return {
    id: 'encodings',
    figure: 'legacy-encoding samples decoded back exactly',
    unit: '%',
    intake: sample([(100 * intake) / cases]),
    native: sample([(100 * cd) / cases]),
    nativeTool: 'chardet 2.2.0 (npm)',
    ratio: cd ? intake / cd : null,
    target: 'every sample decoded or refused, none garbled',
    met: intake + refused === cases,
    notes: [
      `${cases} cases (${ENCODING_SAMPLES.length} texts × their encodings × 60/200/all characters); jschardet alone ${js}/${cases}, chardet ${cd}/${cases}; Intake (jschardet + plausibility checks) ${intake} decoded, ${refused} refused as text_encoding_unknown`,
      `decode time ${(ms / cases).toFixed(2)} ms per sample (${((bytes / 1024 / (ms / 1000)) | 0)} KiB/s on ${bytes} bytes)`,
      ...(misses.length ? [`misses: ${misses.join('; ')}`] : []),
    ],
  };
}
