/** SHA-256 throughput of the engine's hash stage vs `sha256sum`, on the same warm files. */
import { readFileSync, statSync } from 'node:fs';
import { sha256File } from '../../src/main/engine/hash';
import type { Ctx } from '../context';
import { timeShell } from '../proc';
import { sample, type Row } from '../report';

export async function hashFigure(ctx: Ctx): Promise<Row> {
  const files = ctx.corpus.blobPaths;
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  for (const f of files) readFileSync(f); // warm the page cache
  const gbps = (ms: number) => bytes / 1e9 / (ms / 1000);

  const intake: number[] = [];
  for (let i = 0; i < ctx.reps + 1; i++) {
    const t0 = performance.now();
    for (const f of files) await sha256File(f); // one stream, like sha256sum
    if (i > 0) intake.push(gbps(performance.now() - t0)); // the first pass is a warm-up
  }
  const quoted = files.map((f) => `'${f}'`).join(' ');
  const native: number[] = [];
  if (ctx.native.sha256sum) {
    timeShell(`sha256sum ${quoted} > /dev/null`);
    for (let i = 0; i < ctx.reps; i++) native.push(gbps(timeShell(`sha256sum ${quoted} > /dev/null`)));
  }
  const a = sample(intake);
  const b = native.length ? sample(native) : null;
  const ratio = b ? a.median / b.median : null;
  return {
    id: 'sha256',
    figure: 'SHA-256 throughput (warm files, one stream each)',
    unit: 'GB/s',
    intake: a,
    native: b ?? 'unavailable',
    nativeTool: 'sha256sum',
    ratio,
    target: '≥ 3× sha256sum',
    met: ratio == null ? null : ratio >= 3,
    notes: [`${files.length} files × ${(bytes / files.length / 2 ** 20).toFixed(0)} MiB, sha256File (1 MiB reads) one file after another vs one sha256sum over the same files`],
  };
}
