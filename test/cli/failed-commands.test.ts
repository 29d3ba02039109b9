/**
 * The CLI's failure commands as a user types them: --json's skippedFailed, --no-skip-failed,
 * and `failed reset|reprocess` with --all and --stage, on a real library.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace('intake-cli-failed-');
});
afterEach(async () => {
  await ws.close();
});

const env = () => ({ INTAKE_DATA_DIR: ws.dataDir });
const ingest = async (...extra: string[]) => {
  const r = await runCli(['ingest', ws.docs, '--db', ws.dbPath, '--json', ...extra], env());
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, number> & { failedByStage: Record<string, number> };
};
const rows = () => {
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    return db.prepare('SELECT filename, stage FROM failed_files ORDER BY filename').all() as { filename: string; stage: string }[];
  } finally {
    db.close();
  }
};

/** Two files that fail at extract_text while OCR is off (images), one binary, one good letter. */
async function corpus(): Promise<void> {
  const { makeTextPng } = await import('../support/fixtures');
  ws.write('scan-1.png', await makeTextPng(['RECEIPT', 'Bread 2.50']));
  ws.write('scan-2.png', await makeTextPng(['TICKET', 'Train 12.00']));
  ws.write('noise.txt', Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)));
  ws.write('good.txt', letter('Council tax', 'The council tax is due in ten monthly instalments.'));
}

describe('intake failed … and the skip of previously failed files', () => {
  it('--json reports skippedFailed as a number; --no-skip-failed tries them again', async () => {
    await corpus();
    const first = await ingest('--no-ocr');
    expect(first).toMatchObject({ ingested: 1, failed: 3, skippedFailed: 0 });
    const second = await ingest('--no-ocr');
    expect(second).toMatchObject({ ingested: 0, failed: 0, skippedFailed: 3, skippedExisting: 1 });
    const third = await ingest('--no-ocr', '--no-skip-failed');
    expect(third).toMatchObject({ ingested: 0, failed: 3, skippedFailed: 0, skippedExisting: 1 });
    expect(rows()).toHaveLength(3);
  });

  it('failed reset --stage removes that stage only; reset --all the rest', async () => {
    await corpus();
    await ingest('--no-ocr');
    expect(rows().map((r) => r.stage)).toEqual(['extract_text', 'extract_text', 'extract_text']);
    const none = await runCli(['failed', 'reset', '--stage', 'classify', '--db', ws.dbPath], env());
    expect(none.code, none.stderr).toBe(0);
    expect(rows()).toHaveLength(3);
    const some = await runCli(['failed', 'reset', '--stage', 'extract_text', '--db', ws.dbPath], env());
    expect(some.code, some.stderr).toBe(0);
    expect(rows()).toHaveLength(0);
    await ingest('--no-ocr');
    expect(rows()).toHaveLength(3);
    const all = await runCli(['failed', 'reset', '--all', '--db', ws.dbPath], env());
    expect(all.code, all.stderr).toBe(0);
    expect(rows()).toEqual([]);
  });

  it('failed reprocess --stage S retries exactly that stage’s rows (attempts go up), others untouched', async () => {
    await corpus();
    await ingest('--no-ocr');
    const attempts = () => {
      const db = new Database(ws.dbPath, { readonly: true });
      try {
        return Object.fromEntries((db.prepare('SELECT filename, attempts FROM failed_files').all() as { filename: string; attempts: number }[]).map((r) => [r.filename, r.attempts]));
      } finally {
        db.close();
      }
    };
    expect(attempts()).toEqual({ 'noise.txt': 1, 'scan-1.png': 1, 'scan-2.png': 1 });
    const other = await runCli(['failed', 'reprocess', '--stage', 'classify', '--db', ws.dbPath, '--no-ocr'], env());
    expect(other.code, other.stderr).toBe(0);
    expect(attempts()).toEqual({ 'noise.txt': 1, 'scan-1.png': 1, 'scan-2.png': 1 });
    const r = await runCli(['failed', 'reprocess', '--all', '--db', ws.dbPath, '--no-ocr'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(attempts()).toEqual({ 'noise.txt': 2, 'scan-1.png': 2, 'scan-2.png': 2 });
  });
});
