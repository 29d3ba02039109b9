import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events } from '../../src/shared/contract';
import { callThrough } from '../support/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import type { IntakeService } from '../../src/main/app/service-api';
import { scan } from '../../src/main/engine/scan';
import { headlessPlatform } from '../../src/main/app/platform';
import { letter, Workspace } from '../support/workspace';

let ws: Workspace;
let service: IntakeService;
/** Outside the granted root (docs/), but inside the workspace: what a link could lead to. */
let outside: string;
const MARKER = 'PRIVATE-DIARY-ENTRY-7Q3';

beforeEach(async () => {
  ws = new Workspace('intake-links-');
  outside = join(ws.root, 'outside');
  mkdirSync(join(outside, 'sub'), { recursive: true });
  writeFileSync(join(outside, 'diary.txt'), letter('Diary', `${MARKER} the private words of a diary that lives outside the granted folder.`));
  writeFileSync(join(outside, 'sub', 'more.txt'), letter('More', `${MARKER} another private note in a folder outside the granted one.`));
  service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform: headlessPlatform(ws.dataDir), allowedRoots: [ws.docs] });
});
afterEach(async () => {
  await service.close();
  await ws.close();
});

function call<T = unknown>(channel: string, input: unknown): Promise<T> {
  return callThrough<T>(service.handlers, channel, input);
}

function nextEvent<E extends keyof Events>(event: E): Promise<Events[E]> {
  return new Promise((resolve) => {
    const off = service.on(event, (p) => {
      off();
      resolve(p);
    });
  });
}

describe('browser mode: links inside a granted folder do not escape it', () => {
  it('a folder holding links to /etc/passwd, /proc/self/environ and files outside ingests none of them, and says why', async () => {
    ws.write('real.txt', letter('Invoice', 'An ordinary invoice for toner cartridges and paper, due at the end of the month.'));
    symlinkSync('/etc/passwd', join(ws.docs, 'passwd.txt'));
    symlinkSync('/proc/self/environ', join(ws.docs, 'environ.txt'));
    symlinkSync(join(outside, 'diary.txt'), join(ws.docs, 'diary.txt'));
    symlinkSync(join(outside, 'sub'), join(ws.docs, 'linked-folder'));
    process.env.INTAKE_TEST_SECRET = 'sk-environ-secret';

    const finished = nextEvent('run.finished');
    await call('ingest.start', { paths: [ws.docs], ocr: false });
    const summary = await finished;
    delete process.env.INTAKE_TEST_SECRET;
    expect(summary).toMatchObject({ ingested: 1 });

    const docs = await call<{ rows: { id: number; filename: string }[] }>('documents.list', { limit: 100 });
    expect(docs.rows.map((d) => d.filename)).toEqual(['real.txt']);
    for (const q of ['root', MARKER, 'sk-environ-secret', 'PATH']) {
      expect((await call<{ total: number }>('documents.list', { q, mode: 'keyword' })).total, q).toBe(0);
    }
    const failed = await call<{ rows: { filename: string; errorMessage: string }[] }>('failed.list', { sort: 'filename', dir: 'asc' });
    expect(failed.rows.map((r) => r.filename).sort()).toEqual(['diary.txt', 'environ.txt', 'linked-folder', 'passwd.txt']);
    const reasons = Object.fromEntries(failed.rows.map((r) => [r.filename, r.errorMessage]));
    expect(reasons['passwd.txt']).toMatch(/system path|outside the folders Intake may read/);
    expect(reasons['environ.txt']).toMatch(/system path that is never read/);
    expect(reasons['diary.txt']).toMatch(/outside the folders Intake may read/);
    expect(reasons['linked-folder']).toMatch(/outside the folders Intake may read/);
    const all = JSON.stringify(failed);
    expect(all).not.toContain(MARKER);
    expect(all).not.toContain('sk-environ-secret');
  });

  it('a link given directly, or reprocessed later, is refused the same way', async () => {
    const link = join(ws.docs, 'diary.txt');
    symlinkSync(join(outside, 'diary.txt'), link);
    const finished = nextEvent('run.finished');
    await expect(call('ingest.start', { paths: [link], ocr: false })).rejects.toMatchObject({ code: 'path_not_allowed' });
    await call('ingest.start', { paths: [ws.docs], ocr: false });
    expect(await finished).toMatchObject({ ingested: 0, failed: 1 });
    const [row] = (await call<{ rows: { id: number }[] }>('failed.list', {})).rows;
    const report = await call<{ succeeded: number }>('failed.reprocess', { ids: [row.id] });
    expect(report.succeeded).toBe(0);
    expect((await call<{ total: number }>('documents.list', { q: MARKER, mode: 'keyword' })).total).toBe(0);
  });

  it('fs.list answers the same for an existing and a missing path outside the roots, also through a link', async () => {
    symlinkSync(outside, join(ws.docs, 'door'));
    const answers: string[] = [];
    for (const path of [join(outside, 'sub'), join(outside, 'no-such-folder'), join(ws.docs, 'door', 'sub'), join(ws.docs, 'door', 'no-such-folder'), '/etc', '/no-such-top-folder']) {
      const err = await call('fs.list', { path }).catch((e: { code: string }) => e.code);
      answers.push(String(err));
    }
    expect(answers).toEqual(Array(answers.length).fill('path_not_allowed'));
    // Inside the roots a missing folder is simply missing.
    await expect(call('fs.list', { path: join(ws.docs, 'nothing-here') })).rejects.toMatchObject({ code: 'fs_error' });
  });
});

describe('any mode: /proc, /sys and /dev are never read through a link', () => {
  it('the scan refuses them even without granted roots (CLI, Electron)', async () => {
    symlinkSync('/proc/self/environ', join(ws.docs, 'environ.txt'));
    symlinkSync('/proc/self', join(ws.docs, 'self'));
    ws.write('ok.txt', 'fine');
    const entries = [];
    for await (const e of scan([ws.docs])) entries.push(e);
    const byName = Object.fromEntries(entries.map((e) => [e.path.slice(ws.docs.length + 1), e]));
    expect(byName['ok.txt']).toMatchObject({ type: 'file' });
    expect(byName['environ.txt']).toMatchObject({ type: 'error', code: 'file_unreadable' });
    expect(byName['self']).toMatchObject({ type: 'error', code: 'file_unreadable' });
    expect(entries.filter((e) => e.type === 'file')).toHaveLength(1);
  });
});
