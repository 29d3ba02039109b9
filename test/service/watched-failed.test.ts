// A watched folder (the app's Watched folders, through the real service) holding a file that fails:
// recorded once, not handed to a run again at every poll, and tried again once it is reset.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntakeService } from '../../src/main/app/service';
import type { IntakeService } from '../../src/main/app/service-api';
import { headlessPlatform } from '../../src/main/app/platform';
import type { FailedFile, WatchedFolder } from '../../src/shared/domain';
import type { Page } from '../../src/shared/contract';
import { waitFor, withDb } from '../reliability/support';
import { callThrough } from '../support/dispatch';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
let service: IntakeService;
beforeEach(async () => {
  ws = new Workspace('intake-watched-failed-');
  service = await createIntakeService({
    dbPath: ws.dbPath,
    dataDir: ws.dataDir,
    platform: headlessPlatform(ws.dataDir),
    allowedRoots: [ws.root],
    engine: { extractorOptions: { workers: 1 } },
    watch: { pollMs: 100, osEvents: false },
  });
});
afterEach(async () => {
  await service.close();
  await ws.close();
});

const call = <T,>(channel: string, input: unknown) => callThrough<T>(service.handlers, channel, input);
const q = <T,>(sql: string, ...params: unknown[]): T[] => withDb(ws.dbPath, (d) => d.prepare(sql).all(...params) as T[]);
const kinds = (path: string) => q<{ kind: string }>('SELECT kind FROM failure_events WHERE file_path = ? ORDER BY id', path).map((e) => e.kind);
const stored = (path: string) => q('SELECT 1 FROM document_paths WHERE file_path = ?', path).length === 1;
/** Files handed to watch runs so far. */
const handed = () => q<{ counts: string }>('SELECT counts FROM runs').reduce((n, r) => n + ((JSON.parse(r.counts) as { scanned?: number }).scanned ?? 0), 0);

describe('a watched folder with a file that fails', () => {
  it('fails while watched: recorded once, not taken again at each poll, taken once more after Reset', async () => {
    const inbox = join(ws.docs, 'inbox');
    mkdirSync(inbox, { recursive: true });
    await call<WatchedFolder[]>('watch.add', { path: inbox });
    const bad = join(inbox, 'bad.txt');
    writeFileSync(bad, 'too short');
    expect(await waitFor(() => kinds(bad).length === 1, 120_000, 50)).toBe(true);
    // Each file ingested after it means more polls have seen the failed one, unchanged.
    for (let i = 0; i < 3; i++) {
      const p = join(inbox, `after-${i}.txt`);
      writeFileSync(p, letter(`A letter after the failure, number ${i}`));
      expect(await waitFor(() => stored(p), 120_000, 50), p).toBe(true);
    }
    expect(kinds(bad)).toEqual(['failure']);
    expect(await waitFor(() => handed() === 4, 30_000, 50)).toBe(true);

    const failed = await call<Page<FailedFile>>('failed.list', {});
    expect(failed.rows.map((r) => [r.filePath, r.attempts])).toEqual([[bad, 1]]);
    expect(await call('failed.reset', { ids: [failed.rows[0].id] })).toEqual({ reset: 1 });
    expect(await waitFor(() => kinds(bad).length === 3, 120_000, 50)).toBe(true);
    expect(kinds(bad)).toEqual(['failure', 'reset', 'failure']);

    const last = join(inbox, 'last.txt');
    writeFileSync(last, letter('The last letter'));
    expect(await waitFor(() => stored(last), 120_000, 50)).toBe(true);
    expect(kinds(bad)).toHaveLength(3);
    expect(handed()).toBe(6);
  }, 300_000);
});
