// The English gloss of German and French documents for the keyword index (ai/gloss.ts), computed
// without holding the engine's thread: about a millisecond per passage, so a long German PDF is
// glossed in slices with the event loop served between them.
//
// A library from before glosses (migration 12) has documents with no gloss yet (NULL): they are
// glossed here, in the background, so opening a large library never waits on it. Until its turn
// comes, a German or French document is found by its own words only, as before.
import { documentGloss } from '../ai/gloss';
import type { Library } from './library';

/**
 * Documents glossed per write: each write re-indexes the whole document in documents_fts (an FTS5
 * row is replaced, not patched), ≈ 1.5 ms for a 4-page letter, so writes stay short.
 */
const BATCH = 4;
/** The longest the gloss work holds the thread before letting other work in. */
const SLICE_MS = 10;

/** An await point that yields to the event loop once `ms` of work have passed since the last yield. */
export function slicer(ms = SLICE_MS): () => Promise<void> {
  let t0 = performance.now();
  return async () => {
    if (performance.now() - t0 < ms) return;
    await new Promise((r) => setImmediate(r));
    t0 = performance.now();
  };
}

/** documentGloss, one passage at a time, yielding between slices. */
export async function glossDocument(passages: string[], tick = slicer()): Promise<string> {
  const out: string[] = [];
  for (const p of passages) {
    const g = documentGloss([p]);
    if (g) out.push(g);
    await tick();
  }
  return out.join('\n');
}

export class GlossBackfill {
  private loop: Promise<number> | null = null;
  private stopped = false;

  constructor(private readonly library: Library) {}

  /** Glosses every document that has none; resolves with how many it glossed (also when already running). */
  start(): Promise<number> {
    if (!this.loop) this.loop = this.pass().finally(() => (this.loop = null));
    return this.loop;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.loop?.catch(() => undefined);
  }

  private async pass(): Promise<number> {
    const { documents, writer } = this.library;
    const tick = slicer();
    let n = 0;
    while (!this.stopped) {
      const docs = documents.unglossed(BATCH);
      if (!docs.length) break;
      const glossed: { id: number; gloss: string }[] = [];
      for (const d of docs) {
        if (this.stopped) break;
        glossed.push({ id: d.id, gloss: await glossDocument(d.texts, tick) });
      }
      await writer.run(() => {
        for (const g of glossed) documents.setGloss(g.id, g.gloss);
      });
      n += glossed.length;
      // Runs and searches get the thread between batches too.
      await new Promise((r) => setImmediate(r));
    }
    return n;
  }
}
