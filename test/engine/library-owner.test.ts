import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { Library } from '../../src/main/engine/library';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace('intake-owner-');
});
afterEach(async () => {
  await ws.close();
});

describe('who holds the library', () => {
  it('the engine runs over a library its caller opened, lends it to no one, and leaves it open for its opener', async () => {
    ws.write('a.txt', letter('A letter'));
    const library = Library.open(ws.dbPath);
    const engine = new Engine({ library, dataDir: ws.dataDir, extractorOptions: { workers: 1 } });
    // @ts-expect-error the engine keeps its library private: adapters go through the service, tests through the library they opened
    expect(engine.library).toBe(library);

    const summary = await engine.ingest(ws.options({ ocr: false }));
    expect(summary.ingested).toBe(1);
    expect(library.documents.count()).toBe(1);

    await engine.close();
    // Closing the engine does not close what it was given.
    expect(library.documents.count()).toBe(1);
    library.close();
  });

  it('an engine given a file opens the library and closes it again', async () => {
    ws.write('a.txt', letter('A letter'));
    const engine = new Engine({ library: ws.dbPath, dataDir: ws.dataDir, extractorOptions: { workers: 1 } });
    await engine.ingest(ws.options({ ocr: false }));
    await engine.close();
    // @ts-expect-error private, read here only to see that it was closed
    const held = engine.library as Library;
    expect(() => held.documents.count()).toThrow(/not open/);
  });
});
