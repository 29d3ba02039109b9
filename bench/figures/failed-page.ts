/**
 * The failed-files page as the UI asks for it — 100 rows, filtered and sorted,
 * with the total — through the service handler (dispatch → failed.list) over a
 * library of 100 000 failed files; vs the same SELECT + count in the sqlite3 shell.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { STAGES, type ErrorCode, type Stage } from '../../src/shared/domain';
import { CODE_CLASS, CODE_LABEL } from '../../src/shared/errors';
import { dispatch } from '../../src/main/app/dispatch';
import { Library } from '../../src/main/engine/library';
import { createIntakeService } from '../../src/main/app/service';
import { freshDb, type Ctx } from '../context';
import { rng } from '../corpus';
import { percentile, sample, type Row } from '../report';

const STAGE_CODES: Partial<Record<Stage, ErrorCode[]>> = {
  hash: ['file_unreadable', 'file_vanished', 'file_busy', 'io_error'],
  extract_text: ['pdf_encrypted', 'pdf_corrupt', 'docx_corrupt', 'text_binary', 'text_insufficient', 'file_too_large'],
  ocr: ['ocr_failed', 'ocr_timeout', 'ocr_no_text', 'image_corrupt', 'image_too_large', 'extractor_crashed'],
  classify: ['ai_rate_limited', 'ai_server_error', 'ai_timeout', 'ai_connection', 'ai_bad_output'],
  embeddings: ['ai_bad_output', 'ai_server_error'],
  db_insert: ['db_error'],
};

export function fillFailures(dbPath: string, rows: number, seed: number): void {
  const lib = Library.open(dbPath);
  const r = rng(seed);
  const stages = STAGES.filter((s) => STAGE_CODES[s]);
  const now = Math.floor(Date.now() / 1000);
  const fp = { extractorVersion: '1', ocr: true, ocrLanguages: ['eng'], pageCap: 50, provider: 'local', chatModel: 'local-rules', embedModel: 'local-hash', promptVersion: '1' };
  const insert = lib.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const stage = stages[Math.floor(r() * stages.length)];
      const codes = STAGE_CODES[stage]!;
      const code = codes[Math.floor(r() * codes.length)];
      const name = `${['scan', 'invoice', 'letter', 'report', 'photo'][i % 5]}-${i}.${stage === 'ocr' ? 'png' : 'pdf'}`;
      lib.failed.recordFailure({
        filePath: `/data/archive/${i % 997}/${name}`,
        filename: name,
        fileHash: (i.toString(16) + 'f'.repeat(64)).slice(0, 64),
        stage,
        reason: CODE_LABEL[code],
        errorType: code,
        errorMessage: `${CODE_LABEL[code]} while processing ${name} (${Math.floor(r() * 1e6)})`,
        failureClass: CODE_CLASS[code],
        errorCode: code,
        stack: null,
        fingerprint: fp,
        runId: null,
        at: now - Math.floor(r() * 90 * 86400),
      });
    }
  });
  for (let i = 0; i < rows; i += 5000) insert(i, Math.min(rows, i + 5000));
  lib.close();
}

type Query = { offset: number; limit: number; sort: 'failed_at' | 'filename' | 'reason' | 'attempts'; dir: 'asc' | 'desc'; filter: Record<string, string> };

const QUERIES: Query[] = [
  { offset: 0, limit: 100, sort: 'failed_at', dir: 'desc', filter: { stage: 'ocr' } },
  { offset: 1000, limit: 100, sort: 'filename', dir: 'asc', filter: { failureClass: 'input' } },
  { offset: 0, limit: 100, sort: 'reason', dir: 'asc', filter: { errorCode: 'pdf_corrupt' } },
  { offset: 200, limit: 100, sort: 'attempts', dir: 'desc', filter: { stage: 'classify' } },
  { offset: 0, limit: 100, sort: 'failed_at', dir: 'asc', filter: { stage: 'extract_text', errorCode: 'text_insufficient' } },
];
const SEARCH: Query = { offset: 0, limit: 100, sort: 'failed_at', dir: 'desc', filter: { q: 'invoice-12' } };

const SORT_SQL: Record<Query['sort'], string> = { failed_at: 'failed_at', filename: 'filename COLLATE NOCASE', reason: 'reason COLLATE NOCASE', attempts: 'attempts' };

/** The same page and count the repository runs, for the sqlite3 shell. */
function nativeSql(q: Query): string {
  const map: Record<string, string> = { stage: 'stage', failureClass: 'failure_class', errorCode: 'error_code' };
  const where = Object.entries(q.filter).map(([k, v]) =>
    k === 'q' ? `(filename LIKE '%${v}%' OR file_path LIKE '%${v}%' OR reason LIKE '%${v}%' OR error_message LIKE '%${v}%' OR file_hash = '${v}')` : `${map[k]} = '${v}'`,
  );
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const dir = q.dir.toUpperCase();
  return `SELECT * FROM failed_files ${w} ORDER BY ${SORT_SQL[q.sort]} ${dir}, id ${dir} LIMIT ${q.limit} OFFSET ${q.offset}; SELECT count(*) FROM failed_files ${w};`;
}

/** sqlite3 shell `.timer on`: per-statement real time, summed per page (ms). */
function nativeTimes(db: string, q: Query, times: number): number[] {
  const script = `.timer on\n${Array.from({ length: times }, () => nativeSql(q)).join('\n')}\n`;
  const r = spawnSync('sqlite3', [db], { input: script, encoding: 'utf8', maxBuffer: 256 << 20 });
  const real = [...r.stdout.matchAll(/Run Time: real ([\d.]+)/g)].map((m) => Number(m[1]) * 1000);
  const out: number[] = [];
  for (let i = 0; i + 1 < real.length; i += 2) out.push(real[i] + real[i + 1]);
  return out;
}

export async function failedPageFigures(ctx: Ctx): Promise<Row[]> {
  const rows = 100_000;
  const dbPath = freshDb(ctx, 'failed');
  const t0 = performance.now();
  fillFailures(dbPath, rows, ctx.seed);
  ctx.log(`  ${rows} failed rows written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const service = await createIntakeService({
    dbPath,
    dataDir: join(dbPath, '..', 'data'),
    platform: {
      mode: 'browser',
      chooseFolder: async () => null,
      showInFolder: async () => undefined,
      openExternal: async () => undefined,
      secrets: { description: 'bench', encrypt: (s) => Buffer.from(s), decrypt: (b) => b.toString() },
    },
  });
  const reps = ctx.quick ? 20 : 60;
  const timeQueries = async (qs: Query[]) => {
    const ms: number[] = [];
    for (const q of qs) {
      for (let i = 0; i < 3; i++) await dispatch(service.handlers, 'failed.list', q); // warm
      for (let i = 0; i < reps; i++) {
        const t = performance.now();
        const res = await dispatch(service.handlers, 'failed.list', q);
        ms.push(performance.now() - t);
        if (!res.ok) throw new Error(`failed.list: ${res.error.message}`);
      }
    }
    return ms;
  };
  let page: number[];
  let search: number[];
  try {
    page = await timeQueries(QUERIES);
    search = await timeQueries([SEARCH]);
  } finally {
    await service.close();
  }
  const nativePage = ctx.native.sqlite3 ? QUERIES.flatMap((q) => nativeTimes(dbPath, q, reps)) : [];
  const nativeSearch = ctx.native.sqlite3 ? nativeTimes(dbPath, SEARCH, reps) : [];
  const row = (id: string, figure: string, ms: number[], nat: number[], target: string, limit: number | null, notes: string[]): Row => {
    // p95 per block of calls, so the row has a median with min/max over blocks.
    const blocks = (xs: number[]) => Array.from({ length: Math.ceil(xs.length / reps) }, (_, i) => percentile(xs.slice(i * reps, (i + 1) * reps), 95));
    const p95 = percentile(ms, 95);
    const a = { ...sample(blocks(ms)), median: p95 };
    const b = nat.length ? { ...sample(blocks(nat)), median: percentile(nat, 95) } : null;
    return {
      id,
      figure,
      unit: 'ms p95',
      intake: a,
      native: b ?? 'unavailable',
      nativeTool: 'sqlite3 .timer, same SQL',
      ratio: b ? b.median / a.median : null,
      target,
      met: limit == null ? null : p95 <= limit,
      notes,
    };
  };
  return [
    row('failed_page', `failed-files page (100 rows, filtered, sorted, + total) of ${rows} rows, through the handler`, page, nativePage, '≤ 5 ms p95', 5, [
      `dispatch(handlers, 'failed.list') — zod validation, page query, count; ${QUERIES.length} filter/sort/offset shapes × ${reps} calls; p95 over all calls, [min–max] of the per-shape p95; ratio = sqlite3 time ÷ Intake time`,
    ]),
    row('failed_search', 'failed-files page with a free-text filter (q), same library', search, nativeSearch, '(info: no SPEC target)', null, ['q filters with LIKE over filename, path, reason and message: a scan of every row']),
  ];
}
