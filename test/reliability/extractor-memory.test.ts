// Real memory, not just the JS heap: a file that makes the extractor grow (page canvases, WASM,
// zip bombs) is stopped by the pool's resident-size watchdog and recorded as extractor_oom; DOCX
// zip bombs are refused from their central directory before anything is inflated.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExtractor } from '../../src/main/extract';
import { IntakeError } from '../../src/shared/errors';
import { writeDocxBomb } from '../support/docx-bomb';
import { makeDocx } from '../support/fixtures';
import { Workspace, letter } from '../support/workspace';
import { childPids } from './support';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'intake-mem-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Resident size of this process and all its descendants, MB. */
function treeRssMb(pid = process.pid): number {
  let kb = 0;
  try {
    kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
  return kb / 1024 + childPids(pid).reduce((sum, c) => sum + treeRssMb(c), 0);
}

/** Samples the process tree's resident size until stopped; returns the peak in MB. */
function peakRss(): { stop: () => number } {
  let peak = treeRssMb();
  const t = setInterval(() => (peak = Math.max(peak, treeRssMb())), 20);
  return {
    stop: () => {
      clearInterval(t);
      return Math.round(Math.max(peak, treeRssMb()));
    },
  };
}

describe('the extractor\'s real memory is capped', () => {
  it('a job that grows outside the JS heap is killed at the limit and recorded as extractor_oom; the next job runs in a fresh process', async () => {
    const x = createExtractor({ workers: 1, ocrLanguages: ['eng'], pageCap: 1, cachePath: join(root, 'cache'), timeoutMs: 60_000, memoryLimitMb: 256, debug: true, rssLimitMb: 400 });
    const peak = peakRss();
    try {
      const e = await x.debug('debug_rss', 120_000).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(IntakeError);
      expect((e as IntakeError).code).toBe('extractor_oom');
      expect((e as IntakeError).message).toMatch(/over its 400 MB limit/);
      const ok = join(root, 'ok.txt');
      await import('node:fs').then((fs) => fs.writeFileSync(ok, letter('Still works')));
      expect((await x.extractText(ok, 'text')).text).toContain('Still works');
    } finally {
      const mb = peak.stop();
      await x.close();
      expect(mb).toBeLessThan(1536);
    }
  }, 180_000);

  it('a text job is not run beside a bomb: the file that grows is blamed alone, the other is extracted', async () => {
    const x = createExtractor({ workers: 2, ocrLanguages: ['eng'], pageCap: 1, cachePath: join(root, 'cache'), timeoutMs: 60_000, memoryLimitMb: 256, debug: true, rssLimitMb: 400 });
    try {
      const ok = join(root, 'ok.txt');
      await import('node:fs').then((fs) => fs.writeFileSync(ok, letter('Innocent bystander')));
      const [bomb, text] = await Promise.allSettled([x.debug('debug_rss', 120_000), x.extractText(ok, 'text')]);
      expect(bomb.status).toBe('rejected');
      expect(((bomb as PromiseRejectedResult).reason as IntakeError).code).toBe('extractor_oom');
      expect(text).toMatchObject({ status: 'fulfilled' });
    } finally {
      await x.close();
    }
  }, 180_000);
});

describe('DOCX zip bombs', () => {
  it.each([
    ['300 MB', 300 * 1024 * 1024],
    ['1 GB', 1024 * 1024 * 1024],
  ])('a DOCX that inflates to %s fails as file_too_large ("expands too large"), not "damaged"; the process tree stays under 1.5 GB', async (_n, bytes) => {
    const ws = new Workspace('intake-docxbomb-');
    try {
      await writeDocxBomb(join(ws.docs, 'bomb.docx'), bytes);
      ws.write('fine.docx', await makeDocx(letter('A real document')));
      const e = ws.engine();
      const peak = peakRss();
      const s = await e.ingest(ws.options({ ocr: false }));
      const mb = peak.stop();
      expect(s).toMatchObject({ ingested: 1, failed: 1, failedByStage: { extract_text: 1 } });
      const row = ws.library(e).failed.list({ offset: 0, limit: 5, sort: 'filename', dir: 'asc', filter: {} })[0];
      expect(row).toMatchObject({ filename: 'bomb.docx', errorCode: 'file_too_large', failureClass: 'input' });
      expect(row.reason).toMatch(/expands too large/);
      expect(row.errorMessage).toMatch(new RegExp(`unzips to ${Math.round(bytes / 1048576)} MB`));
      expect(mb).toBeLessThan(1536);
    } finally {
      await ws.close();
    }
  }, 300_000);
});
