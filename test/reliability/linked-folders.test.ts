// Linked folders (issue 12 item 19): a link met inside a scan that leads outside the chosen folders is
// not followed unless the user says so (Settings or --follow-symlinks), and the run says which it left;
// a link into a folder being scanned is never followed (no file twice, no loop); followed links keep
// browser mode's granted folders.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events } from '../../src/shared/contract';
import type { RunSummary } from '../../src/shared/domain';
import { createIntakeService } from '../../src/main/app/service';
import { headlessPlatform } from '../../src/main/app/platform';
import { callThrough } from '../support/dispatch';
import { cli, goodLetter, withDb } from './support';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-linked-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function file(path: string, i: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, goodLetter(i));
}

const paths = (db: string): string[] =>
  withDb(db, (d) => (d.prepare('SELECT file_path FROM document_paths ORDER BY file_path').all() as { file_path: string }[]).map((r) => r.file_path));

describe('linked folders, through the CLI', () => {
  it('one leading outside is left and said by default, read with --follow-symlinks; links into scanned folders and loops are never followed', async () => {
    const docs = join(root, 'docs');
    const docs2 = join(root, 'docs2');
    const outside = join(root, 'outside');
    file(join(docs, 'a.txt'), 1);
    file(join(docs, 'sub', 'c.txt'), 3);
    file(join(docs2, 'd.txt'), 4);
    file(join(outside, 'b.txt'), 2);
    symlinkSync(outside, join(docs, 'out-link')); // outside every root
    symlinkSync(join(docs, 'sub'), join(docs, 'in-link')); // into the folder being scanned
    symlinkSync(docs2, join(docs, 'other-root-link')); // into the other root of the run
    symlinkSync(outside, join(outside, 'loop')); // a loop, once the outside is followed
    symlinkSync(docs, join(outside, 'back')); // back into a root
    const db = join(root, 'intake.db');

    let r = await cli(['ingest', docs, docs2, '--db', db, '--no-ocr', '--json']);
    expect(r.code, r.stderr).toBe(0);
    let s = JSON.parse(r.stdout) as RunSummary;
    expect(s).toMatchObject({ ingested: 3, failed: 0, linksNotFollowed: [{ path: join(docs, 'out-link'), target: outside }] });
    expect(s.message).toMatch(/not followed.*--follow-symlinks/);
    expect(paths(db)).toEqual([join(docs, 'a.txt'), join(docs, 'sub', 'c.txt'), join(docs2, 'd.txt')]);

    const human = await cli(['ingest', docs, docs2, '--db', db, '--no-ocr']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/Links not followed: +1/);
    expect(human.stdout).toContain('--follow-symlinks');

    r = await cli(['ingest', docs, docs2, '--db', db, '--no-ocr', '--json', '--follow-symlinks']);
    expect(r.code, r.stderr).toBe(0);
    s = JSON.parse(r.stdout) as RunSummary;
    expect(s).toMatchObject({ ingested: 1, failed: 0 });
    expect(s.linksNotFollowed).toBeUndefined();
    // b.txt once, through the link; nothing through the loop, the way back, or the links into the roots.
    expect(paths(db)).toEqual([join(docs, 'a.txt'), join(docs, 'out-link', 'b.txt'), join(docs, 'sub', 'c.txt'), join(docs2, 'd.txt')]);
  }, 240_000);
});

describe('linked folders, in browser mode with the Settings field', () => {
  it('followed only when Settings say so, and then only into granted folders', async () => {
    const docs = join(root, 'docs');
    const granted = join(root, 'granted');
    const privateDir = join(root, 'private');
    file(join(docs, 'a.txt'), 1);
    file(join(granted, 'shared', 'g.txt'), 2);
    file(join(privateDir, 'p.txt'), 3);
    symlinkSync(join(granted, 'shared'), join(docs, 'to-granted'));
    symlinkSync(privateDir, join(docs, 'to-private'));
    const dataDir = join(root, 'data');
    const dbPath = join(root, 'intake.db');
    const service = await createIntakeService({ dbPath, dataDir, platform: headlessPlatform(dataDir), allowedRoots: [docs, granted] });
    try {
      const call = <T = unknown>(channel: string, input: unknown): Promise<T> => callThrough<T>(service.handlers, channel, input);
      const run = async (): Promise<Events['run.finished']> => {
        const finished = new Promise<Events['run.finished']>((res) => {
          const off = service.on('run.finished', (p) => {
            off();
            res(p);
          });
        });
        await call('ingest.start', { paths: [docs], ocr: false });
        return finished;
      };

      // Off (the default): neither link is read; the one to a granted folder is "not followed", the other refused.
      let s = await run();
      expect(s).toMatchObject({ ingested: 1, linksNotFollowed: [{ path: join(docs, 'to-granted'), target: join(granted, 'shared') }] });

      // On: the granted one is read; the private one is still refused, with the reason.
      expect(await call<{ followSymlinks: boolean }>('settings.set', { followSymlinks: true })).toMatchObject({ followSymlinks: true });
      s = await run();
      expect(s).toMatchObject({ ingested: 1 });
      expect(s.linksNotFollowed).toBeUndefined();
      expect(paths(dbPath)).toEqual([join(docs, 'a.txt'), join(docs, 'to-granted', 'g.txt')]);
      const failed = await call<{ rows: { filePath: string; errorMessage: string }[] }>('failed.list', { offset: 0, limit: 10, sort: 'failed_at', dir: 'desc', filter: {} });
      expect(failed.rows.map((f) => f.filePath)).toEqual([join(docs, 'to-private')]);
      expect(failed.rows[0].errorMessage).toMatch(/outside the folders Intake may read/);
    } finally {
      await service.close();
    }
  }, 240_000);
});
