// The CLI against a closed pipe and a library it may not write: it behaves like a Unix tool.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../../src/main/engine/library';
import { cli, startCli } from './support';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-clifault-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A library with `n` failed rows, written through the repository the engine uses. */
function libraryWithFailures(dbPath: string, n: number): void {
  const lib = Library.open(dbPath);
  try {
    for (let i = 0; i < n; i++) {
      lib.failed.recordFailure({
        filePath: `/docs/folder-${i % 7}/a-rather-long-file-name-number-${i}.pdf`,
        filename: `a-rather-long-file-name-number-${i}.pdf`,
        fileHash: i.toString(16).padStart(64, '0'),
        stage: 'extract_text',
        reason: 'PDF is damaged',
        errorType: 'pdf_corrupt',
        errorMessage: 'Invalid PDF structure',
        failureClass: 'input',
        errorCode: 'pdf_corrupt',
        stack: null,
        fingerprint: {},
        runId: null,
        at: 1_700_000_000 + i,
      });
    }
  } finally {
    lib.close();
  }
}

describe('a reader that closes early', () => {
  it('`intake failed list | head -1`: ends quietly, no EPIPE stack trace, exit 0', async () => {
    const db = join(root, 'intake.db');
    libraryWithFailures(db, 3000); // ≈ 400 KB of output: far more than a pipe holds
    const { child, done } = startCli(['failed', 'list', '--db', db]);
    child.stdout!.once('data', () => child.stdout!.destroy()); // what `head -1` does after its line
    const r = await done;
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(0);
    expect(r.signal).toBeNull();
  });
});

describe('a library the user may read but not write', () => {
  it('`failed list` opens it read-only and lists it (as root: checked as the user "nobody")', async () => {
    const data = join(root, 'data');
    mkdirSync(data);
    const db = join(data, 'intake.db');
    libraryWithFailures(db, 3);
    const asRoot = process.getuid?.() === 0;
    // Readable by everyone, writable by no one else; the folder too (no -shm can be created beside it).
    chmodSync(root, 0o755);
    chmodSync(data, 0o555);
    chmodSync(db, 0o444);
    writeFileSync(join(root, 'marker'), '');
    if (asRoot) chownSync(join(root, 'marker'), 65534, 65534);
    const user = asRoot ? { uid: 65534, gid: 65534 } : {};
    try {
      const r = await cli(['failed', 'list', '--db', db, '--json'], { ...user, env: { HOME: root, INTAKE_DATA_DIR: root } });
      expect(r.stderr).not.toMatch(/readonly|read-only|attempt to write/i);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toHaveLength(3);
    } finally {
      chmodSync(data, 0o755);
    }
  });
});
