// A PDF page built to explode (issue 12 item 4: 3 million text operators on one page took a
// process to 6.8 GB): drawing it is stopped at the page's limits with a reason saying so.
import { describe, expect, it } from 'vitest';
import { operatorBombPdf } from '../../bench/hostile-rss';
import { openPdf } from '../../src/main/extract/pdf';
import { PAGE_LIMITS, renderCapped } from '../../src/main/extract/page-limits';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function drawWith(ops: number, limits: typeof PAGE_LIMITS): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'intake-ops-'));
  const path = join(dir, 'ops.pdf');
  writeFileSync(path, operatorBombPdf(ops));
  const doc = await openPdf(path);
  try {
    const page = await doc.getPage(1);
    const viewport = page.getViewport({ scale: 1 });
    const factory = (doc as unknown as { canvasFactory: { create(w: number, h: number): { canvas: unknown; context: unknown } } }).canvasFactory;
    const entry = factory.create(Math.floor(viewport.width), Math.floor(viewport.height));
    const task = page.render({ canvas: entry.canvas as HTMLCanvasElement, canvasContext: entry.context as CanvasRenderingContext2D, viewport });
    return await renderCapped(task, 1, limits).then(() => 'drawn', (e: unknown) => e);
  } finally {
    await doc.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a PDF page over its limits', () => {
  it('is stopped while it is drawn, as document_too_complex saying why; a page within them is drawn', async () => {
    const stopped = (await drawWith(40_000, { ...PAGE_LIMITS, operators: 5_000 })) as { code: string; reason: string; message: string };
    expect(stopped).toMatchObject({ code: 'document_too_complex', reason: 'PDF page 1 is too complex to read' });
    expect(stopped.message).toMatch(/over 5,000 drawing operators/);
    const memory = (await drawWith(40_000, { ...PAGE_LIMITS, drawBytes: 1 })) as { code: string; message: string };
    expect(memory).toMatchObject({ code: 'document_too_complex' });
    expect(memory.message).toMatch(/MB of memory to draw/);
    expect(await drawWith(2_000, PAGE_LIMITS)).toBe('drawn');
  }, 120_000);
});
