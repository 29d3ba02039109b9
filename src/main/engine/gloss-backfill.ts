// A library from before glosses (migration 12) has documents with no gloss yet (NULL): they are
// glossed here, in the background and a few at a time, so opening a large library never waits on
// it. Until its turn comes, a German or French document is found by its own words only, as before.
import { documentGloss } from '../ai/gloss';
import type { Library } from './library';

/** Documents glossed per write. */
const BATCH = 50;

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
    let n = 0;
    while (!this.stopped) {
      const docs = documents.unglossed(BATCH);
      if (!docs.length) break;
      const glossed = docs.map((d) => ({ id: d.id, gloss: documentGloss(d.texts) }));
      await writer.run(() => {
        for (const g of glossed) documents.setGloss(g.id, g.gloss);
      });
      n += docs.length;
      // The engine's other work (runs, searches) gets the thread between batches.
      await new Promise((r) => setImmediate(r));
    }
    return n;
  }
}
