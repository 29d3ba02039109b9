/**
 * Issue 13's figures: what reading page by page costs. The per-page decision
 * (judging a text layer good, suspect, garbage or empty) is timed on the text
 * of generated pages; orientation detection (tesseract's OSD, then a second
 * reading of the turned page) is timed as the OCR of a page turned 90° beside
 * the same page upright, through the real extractor process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createExtractor } from '../../src/main/extract';
import { rotateImage } from '../../src/main/extract/downscale';
import { judgePageText } from '../../src/main/extract/pdf';
import type { Ctx } from '../context';
import { documentText, rng, scannedPng } from '../corpus';
import { sample, type Row } from '../report';

export function pageDecisionFigure(ctx: Ctx): Row {
  const r = rng(ctx.seed);
  const pages = Array.from({ length: 2000 }, (_, i) => documentText(r, i, 4));
  const perPageUs: number[] = [];
  for (let rep = 0; rep < Math.max(3, ctx.reps); rep++) {
    const t0 = performance.now();
    for (const p of pages) judgePageText(p);
    perPageUs.push(((performance.now() - t0) * 1000) / pages.length);
  }
  const verdicts = new Map<string, number>();
  for (const p of pages) verdicts.set(judgePageText(p), (verdicts.get(judgePageText(p)) ?? 0) + 1);
  return {
    id: 'page_decisions',
    figure: 'per-page text-layer decision (good / suspect / garbage / empty), 2000 pages',
    unit: 'µs/page',
    intake: sample(perPageUs),
    native: null,
    ratio: null,
    target: 'info: small beside reading the page (pdf_text row)',
    met: null,
    notes: [
      `verdicts: ${[...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')} (the bench's generated prose has few common words, so it reads as suspect: with OCR on, such pages are checked against OCR until two agree)`,
    ],
  };
}

export async function orientationFigure(ctx: Ctx): Promise<Row> {
  const dir = join(ctx.work, 'orientation');
  mkdirSync(dir, { recursive: true });
  const r = rng(ctx.seed + 13);
  const lines = documentText(r, 1, 3).split(/(?<=\.)\s+/).slice(0, 24);
  const upright = await scannedPng(r, lines, 200);
  const uprightPath = join(dir, 'upright.png');
  const turnedPath = join(dir, 'turned.png');
  writeFileSync(uprightPath, upright);
  writeFileSync(turnedPath, await rotateImage(upright, 90));
  const extractor = createExtractor({ ocrLanguages: ['eng'], workers: 1, pageCap: 5, timeoutMs: 600_000, memoryLimitMb: 1024, cachePath: join(ctx.dataDir, 'ocr-cache') });
  const plain: number[] = [];
  const turned: number[] = [];
  let turns = '';
  try {
    await extractor.ocr(uprightPath, 'image'); // workers and language data loaded before timing
    for (let rep = 0; rep < Math.max(2, Math.min(ctx.reps, 3)); rep++) {
      let t0 = performance.now();
      await extractor.ocr(uprightPath, 'image');
      plain.push((performance.now() - t0) / 1000);
      t0 = performance.now();
      const res = await extractor.ocr(turnedPath, 'image');
      turned.push((performance.now() - t0) / 1000);
      turns = JSON.stringify(res.extraction?.rotations ?? []);
    }
  } finally {
    await extractor.close();
  }
  const p = sample(plain);
  const t = sample(turned);
  ctx.log(`  orientation: upright ${p.median.toFixed(2)} s, turned 90° ${t.median.toFixed(2)} s`);
  return {
    id: 'orientation',
    figure: 'OCR of a page turned 90° (OSD + second reading) beside the same page upright',
    unit: 's/page',
    intake: t,
    native: p,
    nativeTool: 'the same page upright (no OSD asked)',
    ratio: t.median ? p.median / t.median : null,
    target: 'info: upright pages pay nothing; a turned page costs OSD and one more reading',
    met: null,
    notes: [`recorded turn: ${turns}`, 'the first OSD call also starts its worker (≈ 7 s once per extractor process, not in these figures)'],
  };
}
