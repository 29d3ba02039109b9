/**
 * What a user expects of a command-line tool, through the real `intake` process: --version,
 * help per command, a missing library refused (only ingest, serve and watch add create one),
 * a summary that is aligned and repeats the --db used, words instead of internal tokens, and
 * a progress line in a log when output is not a terminal.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { Workspace, letter } from '../support/workspace';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace('intake-cli-behaviour-');
});
afterEach(async () => {
  await ws.close();
});

const cli = (...args: string[]) => runCli(args, { INTAKE_DATA_DIR: ws.dataDir });
const noise = () => Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));

describe('intake as a command-line tool', () => {
  it('--version prints the package version; <command> --help prints that command’s help', async () => {
    const version = await cli('--version');
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^intake \d+\.\d+\.\d+\n$/);
    for (const [command, first] of [
      ['ingest', /^intake ingest <path\.\.\.>/],
      ['failed', /^intake failed list/],
      ['search', /^intake search <query>/],
      ['watch', /^intake watch add\|list\|remove/],
    ] as const) {
      const r = await cli(command, '--help');
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(first);
      expect(r.stderr, command).toBe('');
    }
  });

  it('a --db that does not exist is refused by commands that only read or change a library, and not created', async () => {
    const missing = join(ws.root, 'nowhere', 'lib.db');
    for (const args of [['failed', 'list'], ['failed', 'reset', '--all'], ['failed', 'reprocess', '--all'], ['search', 'tax'], ['coverage', ws.docs]]) {
      const r = await cli(...args, '--db', missing);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toBe(`intake: no library at ${missing} (only intake ingest, serve and watch add create one; or pass --db FILE)\n`);
    }
    expect(existsSync(missing)).toBe(false);

    // ingest creates it, and says so.
    ws.write('letter.txt', letter('Council tax'));
    const created = await cli('ingest', ws.docs, '--db', missing, '--no-ocr');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain(`Created a new library at ${missing}`);
    expect(existsSync(missing)).toBe(true);
  });

  it('the summary is aligned, repeats the --db used, and reprocess speaks in words, not tokens', async () => {
    ws.write('letter.txt', letter('Council tax'));
    ws.write('noise.txt', noise());
    const db = join(ws.root, 'my library.db');
    const r = await cli('ingest', ws.docs, '--db', db, '--no-ocr');
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^ {2}[A-Z][\w ()]+: /.test(l) && !l.startsWith('  See them'));
    expect(rows.map((l) => l.split(':')[0].trim())).toEqual(['Scanned', 'Ingested', 'Skipped (existing)', 'Skipped (failed)', 'Unsupported', 'Failed', 'Used']);
    const valueColumns = new Set(rows.map((l) => l.search(/(?<=: +)\S/)));
    expect(valueColumns.size, r.stdout).toBe(1);
    expect(r.stdout).toContain(`See them with: intake failed list --db '${db}'\n`);

    const again = await cli('failed', 'reprocess', '--all', '--db', db, '--no-ocr');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Reprocessed 1: 0 ingested, 1 failed again the same way, 0 failed differently\.\n/);
    expect(again.stdout).toMatch(/\n {2}failed again {2}\S*noise\.txt \(extract_text: /);
    expect(again.stdout).not.toMatch(/failed_same|failed_different|succeeded/);
  });

  it('with output to a log (not a terminal), a long run prints progress lines as it goes', async () => {
    for (let i = 0; i < 520; i++) ws.write(`many/note-${i}.txt`, `Note ${i}: ${letter(`Subject ${i}`)}`);
    const r = await cli('ingest', ws.docs, '--db', ws.dbPath, '--no-ocr');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^ {2}\d+\/\d+\+? files, \d+ failed, \d+(\.\d+)?\/s/m);
    expect(r.stderr).not.toContain('\r');
  });
});
