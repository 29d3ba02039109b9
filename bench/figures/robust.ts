/** Peak RSS of a 10 000-file ingest with OCR on, and kill -9 during CLI runs. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { REPO, freshDb, runIngestChild, type Ctx } from '../context';
import { rng } from '../corpus';
import { descendants, isAlive } from '../proc';
import { sample, type Row } from '../report';

/** True once the CLI process `pid` has a running run in the library (the library may not exist yet). */
function runningRow(db: string, pid: number): boolean {
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return !!conn.prepare("SELECT 1 FROM runs WHERE pid = ? AND status = 'running'").get(pid);
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}

export async function memoryFigure(ctx: Ctx): Promise<Row> {
  const { corpus } = ctx;
  const files = corpus.textPaths.length + corpus.scanPaths.length + corpus.scanPdfPaths.length;
  const peaks: number[] = [];
  const notes: string[] = [];
  const reps = ctx.quick ? 1 : Math.min(2, ctx.reps);
  // Both processes as the app and `intake` run them: the engine compiled as the CLI is (runIngestChild's `built`), and the
  // built extract-worker.js (bin/intake.js builds out/cli when a source changed). Run from the TypeScript sources through
  // tsx the extraction process weighs ≈ 400 MB more and the engine 10–20 MB more — tsx keeps the transformed sources —
  // which no user runs.
  spawnSync(process.execPath, [join(REPO, 'bin', 'intake.js'), '--version'], { stdio: 'ignore', env: { ...process.env, INTAKE_DATA_DIR: ctx.dataDir } });
  const extractorEntry = join(REPO, 'out', 'cli', 'extract-worker.js');
  for (let i = 0; i < reps; i++) {
    const r = await runIngestChild(ctx, { db: freshDb(ctx, 'rss'), paths: [corpus.textDir, corpus.scanDir, corpus.scanPdfDir], runs: 1, options: { ocr: true }, extractorEntry }, { memory: true, built: true });
    const m = r.memory!;
    peaks.push(m.peakSampledMb);
    const s = r.runs[0].summary;
    ctx.log(`  RSS rep ${i + 1}: sampled tree peak ${m.peakSampledMb.toFixed(0)} MB (${m.processes} processes over the run, VmHWM each ${Object.values(m.perProcessHwmMb).join(' + ')} MB), ${(r.runs[0].ms / 1000).toFixed(1)} s`);
    notes.push(`rep ${i + 1}: ${s.ingested} ingested, ${s.failed} failed; sampled tree peak ${m.peakSampledMb.toFixed(0)} MB; VmHWM of each of the ${m.processes} processes seen (engine, then extraction children: one is replaced after 300 jobs, or ended after a minute without one): ${Object.values(m.perProcessHwmMb).join(', ')} MB`);
  }
  const a = sample(peaks);
  return {
    id: 'peak_rss',
    figure: `peak RSS of the process tree, ${files} files with OCR on`,
    unit: 'MB',
    intake: a,
    native: null,
    ratio: null,
    target: '≤ 500 MB',
    met: a.max <= 500,
    notes: [
      `mix: ${corpus.textPaths.length} small text files + ${corpus.scanPaths.length} scanned PNGs + ${corpus.scanPdfPaths.length} image-only PDFs (${corpus.ocrPages.pdf} pages); figure = the highest sum of VmRSS over the engine process (bench/ingest-child.ts compiled as the CLI is, in out/bench) and its live extraction children (the built out/cli/extract-worker.js), as the app and the CLI run them, sampled every 100 ms from /proc`,
      ...notes,
    ],
  };
}

interface KillOutcome {
  kills: number;
  completedBeforeKill: number;
  orphans: number;
  integrity: string;
  nativeIntegrity: string | null;
  lost: string[];
  duplicated: string[];
  finalStatus: string;
}

export async function killFigure(ctx: Ctx): Promise<Row> {
  const target = ctx.quick ? 6 : 20;
  const db = freshDb(ctx, 'kill');
  const r = rng(ctx.seed + 9);
  const cli = (args: string[]) =>
    spawn(process.execPath, [join(REPO, 'bin', 'intake.js'), 'ingest', ctx.corpus.killDir, '--db', db, '--json', ...args], {
      cwd: REPO,
      env: { ...process.env, INTAKE_DATA_DIR: ctx.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const out: KillOutcome = { kills: 0, completedBeforeKill: 0, orphans: 0, integrity: '', nativeIntegrity: null, lost: [], duplicated: [], finalStatus: '' };
  const delays: number[] = [];
  for (let attempt = 0; out.kills < target && attempt < target * 3; attempt++) {
    const child = cli([]);
    child.stdout.resume();
    child.stderr.resume();
    let closed = false;
    const exited = new Promise<void>((res) => child.on('close', () => ((closed = true), res())));
    // Kill during the run: wait until its row says it is running, then a random 0–600 ms more.
    const t0 = performance.now();
    while (!closed && !runningRow(db, child.pid ?? -1)) await new Promise((res) => setTimeout(res, 25));
    const delay = r() * 600;
    const result = await Promise.race([exited.then(() => 'exited' as const), new Promise<'kill'>((res) => setTimeout(() => res('kill'), delay))]);
    if (result === 'exited') {
      out.completedBeforeKill++;
      continue;
    }
    const kids = child.pid ? descendants(child.pid) : [];
    child.kill('SIGKILL');
    await exited;
    out.kills++;
    delays.push(performance.now() - t0);
    // The extraction process should notice its parent is gone; give it a moment, then end it ourselves.
    await new Promise((res) => setTimeout(res, 1500));
    for (const pid of kids.filter(isAlive)) {
      out.orphans++;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
  ctx.log(`  ${out.kills} kills (${Math.min(...delays).toFixed(0)}–${Math.max(...delays).toFixed(0)} ms after spawn), ${out.completedBeforeKill} runs finished before their kill, ${out.orphans} orphaned child processes`);
  // The final, uninterrupted run.
  const final = cli([]);
  let stdout = '';
  final.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  final.stderr.resume();
  await new Promise<void>((res) => final.on('close', () => res()));
  out.finalStatus = (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { status?: string }).status ?? `exit ${final.exitCode}`;

  const conn = new Database(db, { readonly: true });
  out.integrity = (conn.pragma('integrity_check', { simple: true }) as string) ?? '';
  const count = new Map<string, number>();
  for (const { file_path } of conn.prepare('SELECT file_path FROM document_paths').all() as { file_path: string }[]) count.set(file_path, (count.get(file_path) ?? 0) + 1);
  for (const { file_path } of conn.prepare('SELECT file_path FROM failed_files').all() as { file_path: string }[]) count.set(file_path, (count.get(file_path) ?? 0) + 1);
  const docsWithoutPath = (conn.prepare('SELECT count(*) AS n FROM documents d WHERE NOT EXISTS (SELECT 1 FROM document_paths p WHERE p.document_id = d.id)').get() as { n: number }).n;
  conn.close();
  if (ctx.native.sqlite3) {
    out.nativeIntegrity = spawnSync('sqlite3', [db, 'PRAGMA integrity_check;'], { encoding: 'utf8' }).stdout.trim();
  }
  for (const p of ctx.corpus.killPaths) {
    const n = count.get(p) ?? 0;
    if (n === 0) out.lost.push(p);
    if (n > 1) out.duplicated.push(p);
  }
  const ok = out.integrity === 'ok' && (out.nativeIntegrity ?? 'ok') === 'ok' && !out.lost.length && !out.duplicated.length && docsWithoutPath === 0 && out.kills >= target;
  ctx.log(`  integrity ${out.integrity}, lost ${out.lost.length}, duplicated ${out.duplicated.length}, final run ${out.finalStatus}`);
  return {
    id: 'kill9',
    figure: `${out.kills} × kill -9 during CLI runs, then one full run`,
    unit: 'bad',
    intake: sample([out.lost.length + out.duplicated.length + (out.integrity === 'ok' ? 0 : 1)]),
    native: null,
    ratio: null,
    target: '0 corrupt, 0 lost, 0 duplicated',
    met: ok,
    notes: [
      `${ctx.corpus.killPaths.length} files (text, text PDFs, PNGs with OCR on, broken files that must be recorded as failed); SIGKILL at a seeded random 0–600 ms after \`intake ingest\` has its run row (${Math.min(...delays).toFixed(0)}–${Math.max(...delays).toFixed(0)} ms after spawn); ${out.completedBeforeKill} run(s) finished before their kill time`,
      `integrity_check: ${out.integrity}${out.nativeIntegrity != null ? ` (sqlite3 shell: ${out.nativeIntegrity})` : ''}; lost ${out.lost.length}${out.lost.length ? ` e.g. ${out.lost.slice(0, 3).join(', ')}` : ''}; duplicated ${out.duplicated.length}${out.duplicated.length ? ` e.g. ${out.duplicated.slice(0, 3).join(', ')}` : ''}; documents without a path ${docsWithoutPath}; final run ${out.finalStatus}`,
      `extraction processes left running after their CLI was killed: ${out.orphans} (ended by the bench)`,
    ],
  };
}
