import type { PDFPageProxy, RenderTask } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { IntakeError } from '../../shared/errors';

/**
 * Limits per PDF page, so a page built to explode (a 124 KB file whose one page holds 3 million
 * text operators took one process to 6.8 GB for 81 s, issue 12) is stopped with a reason saying
 * so, before the resident-size watchdog has to kill the process. Drawing it cost ~2.5 KB of memory
 * per operator (400 000 operators: 1.2 GB after 60 s), so what a page may take to draw is measured
 * directly: the process's resident size may grow by `drawBytes` while one page is drawn.
 */
export const PAGE_LIMITS = {
  /** Drawing operators a page may hold to be rendered for OCR (a dense map or CAD drawing: ~100 000). */
  operators: 1_000_000,
  /** Growth of the process's resident memory while one page is drawn (the watchdog kills at 1 GB in all). */
  drawBytes: 512 * 1024 * 1024,
  /** Text items a page may hold to have its text layer read. */
  textItems: 300_000,
  /** Time one page may take to be read or rendered. */
  ms: 90_000,
};

function tooComplex(pageNumber: number, what: string): IntakeError {
  return new IntakeError('document_too_complex', `PDF page ${pageNumber} is too complex to read`, {
    message: `Page ${pageNumber} ${what}: it was stopped before it could take gigabytes of memory. A real page holds far less; the file may be built to break readers.`,
  });
}

/** The page's text items, read as pdf.js streams them, stopped past the item or time limit. */
export async function textItemsCapped(page: PDFPageProxy, pageNumber: number, limits = PAGE_LIMITS): Promise<unknown[]> {
  const reader = page.streamTextContent().getReader() as ReadableStreamDefaultReader<{ items: unknown[] }>;
  const items: unknown[] = [];
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((res) => (timer = setTimeout(() => res('late'), limits.ms)));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === 'late') throw tooComplex(pageNumber, `took over ${limits.ms / 1000} s to read`);
      if (next.done) return items;
      // Checked here too: while pdf.js works, its steps may leave no turn for the timer.
      if (Date.now() - started > limits.ms) throw tooComplex(pageNumber, `took over ${limits.ms / 1000} s to read`);
      for (const item of next.value.items) items.push(item);
      if (items.length > limits.textItems) throw tooComplex(pageNumber, `holds over ${limits.textItems.toLocaleString('en')} pieces of text`);
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits for a page's rendering, cancelled once its operator list passes the limit or it runs past the
 * time limit. Checked at each pause pdf.js makes while drawing (`onContinue`, every ~15 ms of work):
 * in Node it chains its steps as microtasks, so a timer would never get to run.
 */
export async function renderCapped(task: RenderTask, pageNumber: number, limits = PAGE_LIMITS): Promise<void> {
  const started = Date.now();
  const rss0 = process.memoryUsage.rss();
  let over: IntakeError | null = null;
  // The operator list arrives in chunks of ~1 000 operators while the page is drawn: its length is watched.
  const ops = (): number => (task as unknown as { _internalRenderTask?: { operatorList?: { fnArray?: unknown[] } } })._internalRenderTask?.operatorList?.fnArray?.length ?? 0;
  const check = (): boolean => {
    if (ops() > limits.operators) over = tooComplex(pageNumber, `holds over ${limits.operators.toLocaleString('en')} drawing operators`);
    else if (process.memoryUsage.rss() - rss0 > limits.drawBytes) over = tooComplex(pageNumber, `needed over ${Math.round(limits.drawBytes / 1024 / 1024)} MB of memory to draw (${ops().toLocaleString('en')} drawing operators so far)`);
    else if (Date.now() - started > limits.ms) over = tooComplex(pageNumber, `took over ${limits.ms / 1000} s to draw`);
    return over !== null;
  };
  task.onContinue = (cont: () => void) => {
    if (check()) task.cancel();
    else cont();
  };
  try {
    await task.promise;
  } catch (e) {
    throw over ?? e;
  }
}
