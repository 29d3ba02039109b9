/**
 * The walk: a folder's plain files taken in its own loop, stat'ed in synchronous slices on a local
 * Linux file system and through the thread pool elsewhere. Both ways must find the same entries.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scan, scanBatches, syncStatsOn, type ScanEntry } from '../../src/main/engine/scan';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-scan-'));
});
afterEach(() => {
  try {
    chmodSync(join(root, 'docs', 'locked'), 0o755);
  } catch {
    // not made by this test
  }
  rmSync(root, { recursive: true, force: true });
});

async function all(roots: string[], stats: 'auto' | 'async'): Promise<ScanEntry[]> {
  const out: ScanEntry[] = [];
  for await (const e of scan(roots, { stats })) out.push(e);
  return out;
}

/** What an entry says, without the Buffer (compared as bytes). */
function shown(e: ScanEntry): unknown {
  return { ...e, raw: e.raw ? [...e.raw] : undefined };
}

describe('scan', () => {
  it('finds the same entries, in the same order, with synchronous slices and with asynchronous stats', async () => {
    const docs = join(root, 'docs');
    mkdirSync(join(docs, 'a', 'deep'), { recursive: true });
    mkdirSync(join(docs, 'b'), { recursive: true });
    // Enough files in one folder for several slices and several batches.
    for (let i = 0; i < 700; i++) writeFileSync(join(docs, 'a', `letter-${String(i).padStart(4, '0')}.txt`), `letter ${i}`);
    writeFileSync(join(docs, 'a', 'deep', 'note.md'), 'note');
    writeFileSync(join(docs, 'a', 'song.mp3'), 'ID3');
    writeFileSync(join(docs, 'a', '.hidden.txt'), 'hidden');
    writeFileSync(join(docs, 'b', 'report.txt'), 'report');
    writeFileSync(join(docs, 'top.txt'), 'top');
    // A link to a file already walked, a link to a folder (a loop), a dangling link, a name that is not UTF-8.
    symlinkSync(join(docs, 'top.txt'), join(docs, 'b', 'link-to-top.txt'));
    symlinkSync(docs, join(docs, 'b', 'loop'));
    symlinkSync(join(docs, 'missing.txt'), join(docs, 'b', 'dangling.txt'));
    writeFileSync(Buffer.concat([Buffer.from(join(docs, 'b') + '/'), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('.txt')]), 'latin-1 name');
    // An unreadable folder (as a non-root user it becomes an error entry).
    mkdirSync(join(docs, 'locked'));
    writeFileSync(join(docs, 'locked', 'secret.txt'), 'secret');
    chmodSync(join(docs, 'locked'), 0o000);

    const auto = await all([docs], 'auto');
    const viaPool = await all([docs], 'async');
    expect(auto.map(shown)).toEqual(viaPool.map(shown));

    const files = auto.filter((e) => e.type === 'file' && !e.path.startsWith(join(docs, 'locked')));
    expect(files).toHaveLength(700 + 4); // a/ 700 letters + note.md, b/report.txt, b/café.txt, top.txt (the link to it is the same file)
    expect(files.map((e) => e.path)).toContain(join(docs, 'b', 'café.txt'));
    expect(files.find((e) => e.path.endsWith('café.txt'))?.raw).toBeInstanceOf(Buffer);
    expect(auto.filter((e) => e.type === 'unsupported').map((e) => e.path)).toEqual([join(docs, 'a', 'song.mp3')]);
    expect(auto.some((e) => e.path.includes('.hidden'))).toBe(false);
    expect(auto.some((e) => e.path.endsWith('dangling.txt'))).toBe(false);
    const first = files.find((e) => e.path.endsWith('letter-0000.txt'));
    expect(first).toMatchObject({ type: 'file', kind: 'text', size: 'letter 0'.length });
    if (process.getuid?.() !== 0) expect(auto.find((e) => e.path === join(docs, 'locked'))).toMatchObject({ type: 'error' });
  });

  it('hands a folder of plain files on in batches, not one by one', async () => {
    const docs = join(root, 'docs');
    mkdirSync(docs);
    for (let i = 0; i < 300; i++) writeFileSync(join(docs, `f-${String(i).padStart(3, '0')}.txt`), `file ${i}`);
    const sizes: number[] = [];
    for await (const batch of scanBatches([docs])) sizes.push(batch.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(300);
    expect(sizes.length).toBeLessThanOrEqual(2);
  });

  it('stats synchronously only on a local file system on Linux: never on a network share, FUSE, or another OS', () => {
    expect(syncStatsOn(0xef53, 'linux')).toBe(true); // ext4
    expect(syncStatsOn(0x01021994, 'linux')).toBe(true); // tmpfs
    for (const network of [0x6969 /* NFS */, 0xfe534d42 /* SMB2 */, 0xff534d42 /* CIFS */, 0x65735546 /* FUSE */, 0x01021997 /* 9p */, 0x00c36400 /* Ceph */, 0]) {
      expect(syncStatsOn(network, 'linux')).toBe(false);
    }
    expect(syncStatsOn(0xef53, 'darwin')).toBe(false);
    expect(syncStatsOn(0xef53, 'win32')).toBe(false);
  });
});
