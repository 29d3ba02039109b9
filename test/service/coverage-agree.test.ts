/**
 * Issue 14's "done when": on a 10 000-file tree the coverage view (coverage.list, what the screen
 * draws) and the command (`intake coverage --json`, a separate process) agree with each other and
 * with what the library holds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/app/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import type { CoverageListing } from '../../src/shared/domain';
import { fillCoverage } from '../../bench/figures/coverage';
import { runCli } from '../support/cli';
import { Workspace } from '../support/workspace';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace('intake-coverage-');
});
afterEach(async () => {
  await ws.close();
});

describe('coverage on a 10 000-file tree', () => {
  it('the view and `intake coverage --json` agree with each other and with the library, new files on disk included', async () => {
    const tree = join(ws.docs, 'archive');
    const { expected } = fillCoverage(ws.dbPath, 10_000, tree);
    // Every path the library knows is a real file, plus 30 files no run has met.
    const db = new Database(ws.dbPath, { readonly: true });
    const known = db
      .prepare('SELECT file_path AS p FROM document_paths UNION SELECT file_path FROM failed_files UNION SELECT path FROM unsupported_files UNION SELECT path FROM file_index')
      .pluck()
      .all() as string[];
    db.close();
    expect(known).toHaveLength(10_000);
    for (const p of known) {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, 'x');
    }
    for (let i = 0; i < 25; i++) writeFileSync(join(tree, '2005', '01', `new-${i}.txt`), 'new');
    mkdirSync(join(tree, 'new-folder'));
    for (let i = 0; i < 5; i++) writeFileSync(join(tree, 'new-folder', `scan-${i}.pdf`), 'new');

    const service = await createIntakeService({
      dbPath: ws.dbPath,
      dataDir: ws.dataDir,
      allowedRoots: [ws.root],
      watch: { enabled: false },
      platform: { mode: 'browser', chooseFolder: async () => null, showInFolder: async () => undefined, openExternal: async () => undefined, secrets: { description: 't', encrypt: (s) => Buffer.from(s), decrypt: (b) => b.toString() } },
    });
    let view: CoverageListing;
    try {
      const env = await dispatch(service.handlers, 'coverage.list', { folder: tree, disk: true, limit: 10_000 });
      if (!env.ok) throw new Error(env.error.message);
      view = env.value as CoverageListing;
    } finally {
      await service.close();
    }
    const cli = await runCli(['coverage', tree, '--db', ws.dbPath, '--json'], {});
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const command = JSON.parse(cli.stdout) as CoverageListing;

    expect(view.total).toEqual({ ...expected, unseen: 30 });
    expect(expected).toEqual({ ingested: 7000, duplicate: 1000, failed: 1000, unsupported: 1000, unseen: 0 });
    expect(command.total).toEqual(view.total);
    expect(command.entries).toEqual(view.entries);
    expect(view.entries.map((e) => e.name)).toEqual([...Array.from({ length: 20 }, (_, i) => String(2005 + i)), 'new-folder'].sort());
    expect(view.entries.find((e) => e.name === 'new-folder')!.counts).toEqual({ ingested: 0, duplicate: 0, failed: 0, unsupported: 0, unseen: 5 });
    expect(view.entries.find((e) => e.name === '2005')!.counts.unseen).toBe(25);
    // Subfolders add up to the total.
    const summed = view.entries.reduce((a, e) => a + Object.values(e.counts).reduce((x, y) => x + y, 0), 0);
    expect(summed).toBe(10_030);
  }, 300_000);
});
