/**
 * A rerun settles the files unchanged since they were stored in bulk (one lookup per folder's
 * batch, no queue slot, nothing read), and still notices everything that is not that.
 */
import { copyFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine';
import type { FileOutcome } from '../../src/main/engine/pipeline';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace('intake-rerun-');
});
afterEach(async () => {
  await ws.close();
});

/** Counts the files that took the per-file way (a file_index lookup of their own) instead of the bulk one. */
function countPerFile(engine: Engine): { paths: string[] } {
  const fileIndex = ws.library(engine).fileIndex;
  const seen = { paths: [] as string[] };
  const own = fileIndex.hashIfUnchanged.bind(fileIndex);
  fileIndex.hashIfUnchanged = (path, size, mtimeMs) => {
    seen.paths.push(path);
    return own(path, size, mtimeMs);
  };
  return seen;
}

async function rerun(engine: Engine): Promise<{ summary: Awaited<ReturnType<Engine['ingest']>>; outcomes: FileOutcome[] }> {
  const outcomes: FileOutcome[] = [];
  const summary = await engine.startRun(ws.options({ ocr: false }), { onFileDone: (o) => outcomes.push(o) }).finished;
  return { summary, outcomes };
}

describe('a rerun over known folders', () => {
  it('settles unchanged files in bulk, and still takes a changed, a new, a moved, a copied and a touched file one by one', async () => {
    const paths: string[] = [];
    for (let i = 0; i < 40; i++) paths.push(ws.write(`f${i % 4}/letter-${i}.txt`, letter(`Letter number ${i}`, `Reference ${i}`)));
    const engine = ws.engine();
    const first = await engine.ingest(ws.options({ ocr: false }));
    expect(first).toMatchObject({ ingested: 40, failed: 0 });

    // Nothing changed: every file settled in bulk, none looked up on its own.
    const perFile = countPerFile(engine);
    const same = await rerun(engine);
    expect(same.summary).toMatchObject({ status: 'completed', scanned: 40, skippedExisting: 40, ingested: 0, failed: 0 });
    expect(same.outcomes).toHaveLength(40);
    expect(same.outcomes.every((o) => o.status === 'skipped_existing' && o.hash)).toBe(true);
    expect(perFile.paths).toEqual([]);

    // One edited, one new beside known ones, one gone, one renamed, one copied, one touched (same bytes, new mtime).
    const edited = paths[1];
    writeFileSync(edited, letter('Letter number 1, corrected', 'Reference 1 corrected'));
    utimesSync(edited, new Date(), new Date(Date.now() + 5000));
    const added = ws.write('f2/new-letter.txt', letter('A new letter', 'Reference new'));
    rmSync(paths[2]);
    const moved = join(ws.docs, 'f3', 'renamed.txt');
    renameSync(paths[3], moved);
    const copied = join(ws.docs, 'f0', 'copy-of-4.txt');
    copyFileSync(paths[4], copied);
    utimesSync(paths[5], new Date(), new Date(Date.now() + 7000));

    const changed = await rerun(engine);
    expect(changed.summary).toMatchObject({ status: 'completed', scanned: 41, ingested: 2, skippedExisting: 39, failed: 0 });
    const by = new Map(changed.outcomes.map((o) => [o.path, o.status]));
    expect(by.get(edited)).toBe('ingested');
    expect(by.get(added)).toBe('ingested');
    expect(by.get(moved)).toBe('skipped_existing');
    expect(by.get(copied)).toBe('skipped_existing');
    expect(by.get(paths[5])).toBe('skipped_existing');
    expect(by.has(paths[2])).toBe(false);
    // Only those five took the per-file way; the 36 others were settled in bulk.
    expect(perFile.paths.sort()).toEqual([edited, added, moved, copied, paths[5]].sort());

    // The moved and copied files' paths are recorded under the document they hold.
    const library = ws.library(engine);
    const docOf = (p: string) => library.db.prepare('SELECT document_id AS id FROM document_paths WHERE file_path = ?').get(p) as { id: number } | undefined;
    expect(docOf(moved)).toBeDefined();
    expect(docOf(copied)?.id).toBe(docOf(paths[4])?.id);

    // And now they too are settled in bulk.
    perFile.paths.length = 0;
    const after = await rerun(engine);
    expect(after.summary).toMatchObject({ scanned: 41, skippedExisting: 41, ingested: 0 });
    expect(perFile.paths).toEqual([]);
  });

  it('a file that failed is still skipped as failed, not settled as stored', async () => {
    ws.write('good.txt', letter('A good letter'));
    const empty = ws.write('empty.txt', '');
    const engine = ws.engine();
    const first = await engine.ingest(ws.options({ ocr: false }));
    expect(first).toMatchObject({ ingested: 1, failed: 1 });

    const again = await rerun(engine);
    expect(again.summary).toMatchObject({ ingested: 0, skippedExisting: 1, skippedFailed: 1, failed: 0 });
    expect(again.outcomes.find((o) => o.path === empty)?.status).toBe('skipped_failed');
  });

  it('a rerun paused by a hook settles nothing more until it is resumed', async () => {
    for (let i = 0; i < 300; i++) ws.write(`many/${String(i).padStart(3, '0')}.txt`, letter(`Known letter ${i}`, `Reference ${i}`));
    const engine = ws.engine();
    await engine.ingest(ws.options({ ocr: false }));

    let doneAtPause = -1;
    const run = engine.startRun(ws.options({ ocr: false, concurrency: 1 }), {
      onFileDone: () => {
        if (doneAtPause < 0) {
          run.pause();
          doneAtPause = run.progress().done;
        }
      },
    });
    const deadline = Date.now() + 120_000;
    while (doneAtPause < 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    // Let the scan and the worker go on for a while: a paused run settles at most the file a worker holds.
    for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r));
    const during = run.progress();
    expect(during.status).toBe('paused');
    expect(during.done).toBeLessThanOrEqual(doneAtPause + 1);
    run.resume();
    const s = await run.finished;
    expect(s).toMatchObject({ status: 'completed', skippedExisting: 300, ingested: 0 });
  });
});
