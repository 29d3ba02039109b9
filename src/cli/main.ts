/**
 * The `intake` command: argument parsing and printing only. Everything it does
 * is the engine's API, on the same database the desktop app uses.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { AiSettings, EmbeddingStatus, FailedFile, RunOptions, RunProgress, RunSummary, SearchMode, Stage } from '../shared/domain';
import { SEARCH_MODES, STAGES } from '../shared/domain';
import type { SearchHit } from '../main/engine/search';
import { CODE_LABEL, libraryFault } from '../shared/errors';
import { DEFAULT_AI } from '../shared/limits';
import { Engine, defaultRunOptions } from '../main/engine/engine';
import { OFFICIAL_OPENAI_ORIGIN, keyFor, originOf } from '../main/app/api-key';
import { defaultDataDir, defaultDbPath } from '../main/app/paths';
import { watchFolders } from '../main/engine/watch';
import { coverageOf } from '../main/engine/coverage';
import { nowSec } from '../main/db/connection';
import { COVERAGE_CATEGORIES, type CoverageCounts, type WatchedFolder } from '../shared/domain';

const USAGE = `Usage:
  intake ingest <path...> [--db FILE] [--skip-failed] [--no-skip-failed] [--no-ocr]
         [--ai local|openai] [--ai-base-url URL] [--chat-model M] [--embed-model M]
         [--concurrency N] [--watch] [--json]
  intake failed list [--db FILE] [--stage S] [--json]
  intake failed reset <id|hash ...|--all|--stage S> [--db FILE]
  intake failed reprocess <id|hash ...|--all|--stage S> [--db FILE] [--no-ocr] [--ai ...] [--json]
  intake search <query> [--mode hybrid|keyword|semantic] [--limit N] [--db FILE] [--json]
  intake reembed [--db FILE]
  intake watch add|list|remove <folder> [--db FILE] [--json]
  intake coverage <folder> [--db FILE] [--json]
  intake serve [--port N] [--db FILE]     (also watches the folders of \`intake watch list\`)

The API key for --ai openai comes from OPENAI_API_KEY. The database defaults to
${defaultDbPath()} (override with --db or INTAKE_DB).`;

export class UsageError extends Error {}

const EXIT_OK = 0;
const EXIT_USAGE = 1;
/** The run paused before finishing (AI settings or endpoint): the last line says why; run again to continue. */
const EXIT_PAUSED = 75; // EX_TEMPFAIL
/** The library itself failed (damaged, disk full, I/O error, read-only): the last line says what to do. */
const EXIT_LIBRARY = 74; // EX_IOERR
const EXIT_INTERRUPTED = 130;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return command ? EXIT_OK : EXIT_USAGE;
    }
    if (command === 'ingest') return await ingestCommand(rest);
    if (command === 'failed') return await failedCommand(rest);
    if (command === 'serve') return await serveCommand(rest);
    if (command === 'watch') return await watchCommand(rest);
    if (command === 'coverage') return await coverageCommand(rest);
    if (command === 'search') return await searchCommand(rest);
    if (command === 'reembed') return await reembedCommand(rest);
    throw new UsageError(`unknown command "${command}" (try: intake --help)`);
  } catch (e) {
    if (e instanceof UsageError) {
      // One line, whatever the user typed: control characters (a newline in a path) are shown escaped.
      const line = [...e.message].map((c) => (c < ' ' || c === '\u007f' ? JSON.stringify(c).slice(1, -1) : c)).join('');
      process.stderr.write(`intake: ${line}\n`);
      return EXIT_USAGE;
    }
    const fault = libraryFault(e);
    if (fault) {
      process.stderr.write(`intake: ${oneLine(fault.message)}\n`);
      return EXIT_LIBRARY;
    }
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      process.stderr.write('intake: the library is locked by another program; try again when it has finished\n');
      return EXIT_USAGE;
    }
    throw e;
  }
}

const commonOptions = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  'no-ocr': { type: 'boolean', default: false },
  ai: { type: 'string' },
  'ai-base-url': { type: 'string' },
  'chat-model': { type: 'string' },
  'embed-model': { type: 'string' },
  concurrency: { type: 'string' },
} as const;

function tryParse<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0].replace(/^Unknown option/, 'unknown option'));
  }
}

function dbPath(flag: string | undefined): string {
  const p = flag ?? process.env.INTAKE_DB ?? defaultDbPath();
  if (!p.trim() || p.includes('\0')) throw new UsageError('--db needs a file path');
  return p;
}

function aiSettings(v: { ai?: string; 'ai-base-url'?: string; 'chat-model'?: string; 'embed-model'?: string }): AiSettings {
  const provider = v.ai ?? 'local';
  if (provider !== 'local' && provider !== 'openai') throw new UsageError(`--ai must be "local" or "openai", not "${provider}"`);
  const baseUrl = v['ai-base-url'] ?? process.env.OPENAI_BASE_URL ?? DEFAULT_AI.baseUrl;
  if (!/^https?:\/\/\S+$/i.test(baseUrl)) throw new UsageError(`--ai-base-url must be an http(s) URL, not "${baseUrl}"`);
  // The environment key goes to the official origin or to the base URL this command line gave.
  const apiKey = keyFor({ envKey: process.env.OPENAI_API_KEY, baseUrl, baseUrlFromCaller: v['ai-base-url'] !== undefined || process.env.OPENAI_BASE_URL !== undefined });
  if (provider === 'openai' && !apiKey && originOf(baseUrl) === OFFICIAL_OPENAI_ORIGIN) {
    throw new UsageError('OPENAI_API_KEY is not set (needed for --ai openai with the OpenAI endpoint)');
  }
  for (const flag of ['chat-model', 'embed-model'] as const) {
    const m = v[flag];
    if (m !== undefined && (!m.trim() || m.length > 200)) throw new UsageError(`--${flag} needs a model name`);
  }
  return {
    ...DEFAULT_AI,
    provider,
    baseUrl,
    chatModel: v['chat-model'] ?? DEFAULT_AI.chatModel,
    embedModel: v['embed-model'] ?? DEFAULT_AI.embedModel,
    apiKey: apiKey || (provider === 'openai' ? 'not-needed' : undefined),
  };
}

function concurrency(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = z.coerce.number().int().min(1).max(64).safeParse(v);
  if (!n.success || !/^\d+$/.test(v)) throw new UsageError(`--concurrency must be a whole number from 1 to 64, not "${v}"`);
  return n.data;
}

function stageArg(v: string | undefined): Stage | undefined {
  if (v === undefined) return undefined;
  if (!(STAGES as readonly string[]).includes(v)) throw new UsageError(`--stage must be one of ${STAGES.join(', ')}; not "${v}"`);
  return v as Stage;
}

function openEngine(db: string, opts: { readonly?: boolean } = {}): Engine {
  try {
    return new Engine({ library: db, dataDir: process.env.INTAKE_DATA_DIR ?? defaultDataDir(), readonly: opts.readonly });
  } catch (e) {
    const fault = libraryFault(e);
    if (fault) throw fault;
    // A directory, a file that is not a library, no permission: a config error, not a crash.
    throw new UsageError(`cannot open the library ${db}: ${(e as Error).message}`);
  }
}

async function ingestCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = tryParse(() => parseArgs({ args, options: {
    ...commonOptions,
    'skip-failed': { type: 'boolean' },
    'no-skip-failed': { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
  }, allowPositionals: true, strict: true }));
  if (!positionals.length) throw new UsageError('ingest needs at least one file or folder');
  for (const p of positionals) {
    if (p.includes('\0')) throw new UsageError('a path contains a NUL byte');
    if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  }
  const options: RunOptions = defaultRunOptions(positionals, {
    skipFailed: !v['no-skip-failed'],
    ocr: !v['no-ocr'],
    ai: aiSettings(v),
    ...(concurrency(v.concurrency) ? { concurrency: concurrency(v.concurrency) } : {}),
  });
  const engine = openEngine(dbPath(v.db));
  const bar = !v.json && process.stderr.isTTY ? new ProgressBar() : null;
  let interrupted = false;
  let current: { cancel(s: 'interrupted'): void } | null = null;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED); // a second Ctrl-C: leave now
    interrupted = true;
    process.stderr.write('\nStopping: finishing the files in progress… (Ctrl-C again to quit at once)\n');
    current?.cancel('interrupted');
    stopWatch?.();
  };
  let stopWatch: (() => void) | null = null;
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const run = engine.startRun(options, { onProgress: (p) => bar?.update(p) });
    current = run;
    const summary = await run.finished;
    bar?.clear();
    printSummary(summary, !!v.json);
    if (!interrupted && engine.embedder.running) await embedWithProgress(engine, !!v.json, () => interrupted);
    if (v.watch && !interrupted && summary.status === 'completed') {
      if (!v.json) process.stdout.write(`Watching ${positionals.join(', ')} for new and changed files (Ctrl-C to stop)…\n`);
      await new Promise<void>((resolve) => {
        stopWatch = watchFolders(engine, options, {
          onRunStart: (r) => (current = r),
          onRunEnd: (s) => printSummary(s, !!v.json),
          onPollError: (message) => process.stderr.write(`intake: ${message}\n`),
          onStop: resolve,
        });
      });
    }
    if (summary.libraryFault) {
      process.stderr.write(`intake: the run stopped: ${oneLine(summary.message ?? 'the library failed')}\n`);
      return EXIT_LIBRARY;
    }
    if (interrupted || summary.status === 'interrupted') return EXIT_INTERRUPTED;
    if (summary.status === 'paused') {
      process.stderr.write(`intake: the run paused before finishing: ${oneLine(summary.message ?? 'see the summary')}\n`);
      return EXIT_PAUSED;
    }
    return EXIT_OK;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await engine.close();
  }
}

function printSummary(s: RunSummary, json: boolean): void {
  if (json) {
    const { runId, scanned, ingested, skippedExisting, skippedFailed, unsupported, failed, failedByStage, durationMs, status, message } = s;
    process.stdout.write(
      `${JSON.stringify({ runId, scanned, ingested, skippedExisting, skippedFailed, unsupported, failed, failedByStage, durationMs, status, ...(message ? { message } : {}) })}\n`,
    );
    return;
  }
  const byStage = Object.entries(s.failedByStage)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  const lines = [
    `Run ${s.runId} ${s.status} in ${(s.durationMs / 1000).toFixed(1)} s`,
    `  Scanned:            ${s.scanned}`,
    `  Ingested:           ${s.ingested}`,
    `  Skipped (existing): ${s.skippedExisting}`,
    `  Skipped (failed): ${s.skippedFailed}`,
    `  Unsupported:        ${s.unsupported}`,
    `  Failed:             ${s.failed}${byStage ? `  (${byStage})` : ''}`,
  ];
  if (s.message) lines.push(`  ${s.message}`);
  if (s.failed) lines.push('  See them with: intake failed list');
  process.stdout.write(`${lines.join('\n')}\n`);
}

class ProgressBar {
  private last = '';
  update(p: RunProgress): void {
    const width = 28;
    const frac = p.total ? p.done / p.total : 0;
    const filled = Math.round(frac * width);
    const cur = p.current[0];
    const name = cur ? `${cur.stage} ${cur.path.split('/').pop()}` : '';
    const eta = p.etaSec != null ? ` ETA ${p.etaSec}s` : '';
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total}${p.scanning ? '+' : ''} ${p.ratePerSec}/s${eta} ${name}`;
    const cols = process.stderr.columns || 100;
    const out = line.slice(0, cols - 1);
    if (out !== this.last) process.stderr.write(`\r${out.padEnd(this.last.length)}`);
    this.last = out;
  }
  clear(): void {
    if (this.last) process.stderr.write(`\r${' '.repeat(this.last.length)}\r`);
    this.last = '';
  }
}

async function failedCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') return failedList(rest);
  if (sub === 'reset' || sub === 'reprocess') return failedAct(sub, rest);
  throw new UsageError(`"failed" needs list, reset or reprocess${sub ? `, not "${sub}"` : ''}`);
}

async function failedList(args: string[]): Promise<number> {
  const { values: v, positionals } = tryParse(() => parseArgs({ args, options: { db: { type: 'string' }, stage: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true }));
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const stage = stageArg(v.stage);
  // Only looks: a library on a read-only disk or owned by another user can still be listed.
  const engine = openEngine(dbPath(v.db), { readonly: true });
  try {
    const filter = stage ? { stage } : {};
    const total = engine.library.failed.count(filter);
    const rows = engine.library.failed.list({ offset: 0, limit: 1_000_000, sort: 'failed_at', dir: 'desc', filter });
    if (v.json) {
      process.stdout.write(`${JSON.stringify(rows)}\n`);
      return EXIT_OK;
    }
    if (!rows.length) {
      process.stdout.write('No failed files.\n');
      return EXIT_OK;
    }
    process.stdout.write(`${total} failed file${total === 1 ? '' : 's'}:\n`);
    process.stdout.write(`${'ID'.padStart(6)}  ${'STAGE'.padEnd(12)} ${'CODE'.padEnd(20)} ${'TRIES'.padStart(5)}  ${'FAILED AT'.padEnd(19)}  PATH — REASON\n`);
    for (const r of rows) process.stdout.write(`${formatFailed(r)}\n`);
    return EXIT_OK;
  } finally {
    await engine.close();
  }
}

function formatFailed(r: FailedFile): string {
  const at = new Date(r.failedAt * 1000).toISOString().replace('T', ' ').slice(0, 19);
  return `${String(r.id).padStart(6)}  ${r.stage.padEnd(12)} ${r.errorCode.padEnd(20)} ${String(r.attempts).padStart(5)}  ${at}  ${r.filePath} — ${r.reason}`;
}

async function failedAct(sub: 'reset' | 'reprocess', args: string[]): Promise<number> {
  const { values: v, positionals } = tryParse(() => parseArgs({ args, options: { ...commonOptions, all: { type: 'boolean', default: false }, stage: { type: 'string' } }, allowPositionals: true, strict: true }));
  const stage = stageArg(v.stage);
  const modes = [v.all, stage !== undefined, positionals.length > 0].filter(Boolean).length;
  if (modes !== 1) throw new UsageError(`failed ${sub} needs ids or hashes, --all, or --stage S (exactly one of them)`);
  for (const p of positionals) {
    if (!/^\d{1,15}$/.test(p) && !/^[0-9a-f]{64}$/i.test(p)) throw new UsageError(`"${p}" is neither a failed-file id nor a SHA-256 hash`);
  }
  const ai = sub === 'reprocess' ? aiSettings(v) : DEFAULT_AI;
  const conc = concurrency(v.concurrency);
  const engine = openEngine(dbPath(v.db));
  try {
    let ids: number[];
    if (v.all) ids = engine.library.failed.idsMatching({});
    else if (stage) ids = engine.library.failed.idsMatching({ stage });
    else {
      ids = [];
      const unknown: string[] = [];
      for (const p of positionals) {
        const id = /^[0-9a-f]{64}$/i.test(p) ? engine.library.failed.failedIdForHash(p.toLowerCase()) : engine.library.failed.get(Number(p))?.id;
        if (id === undefined) unknown.push(p);
        else ids.push(id);
      }
      if (unknown.length) {
        process.stderr.write(`intake: no failed file with id or hash ${unknown.join(', ')}\n`);
        return EXIT_USAGE;
      }
    }
    if (sub === 'reset') {
      const removed = engine.reset(ids);
      process.stdout.write(`Reset ${removed.length} failed file${removed.length === 1 ? '' : 's'}; the next run will try ${removed.length === 1 ? 'it' : 'them'} again.\n`);
      return EXIT_OK;
    }
    const base = defaultRunOptions([], { ocr: !v['no-ocr'], ai, ...(conc ? { concurrency: conc } : {}) });
    const { paths: _paths, ...options } = base;
    const report = await engine.reprocess(ids, options);
    if (v.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return EXIT_OK;
    }
    process.stdout.write(
      `Reprocessed ${report.outcomes.length}: ${report.succeeded} succeeded, ${report.failedSame} failed the same way, ${report.failedDifferent} failed differently${report.skipped ? `, ${report.skipped} not processed` : ''}.\n`,
    );
    for (const o of report.outcomes) {
      const what = o.outcome === 'succeeded' ? 'ingested' : o.errorCode ? `${o.stage}: ${CODE_LABEL[o.errorCode]} — ${o.reason}` : (o.reason ?? o.outcome);
      process.stdout.write(`  ${o.outcome.padEnd(16)} ${o.filePath} (${what})\n`);
    }
    return EXIT_OK;
  } finally {
    await engine.close();
  }
}

async function serveCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = tryParse(() => parseArgs({ args, options: { db: { type: 'string' }, port: { type: 'string' } }, allowPositionals: true, strict: true }));
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = v.port === undefined ? 0 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (v.port !== undefined && !/^\d+$/.test(v.port))) {
    throw new UsageError(`--port must be a number from 0 to 65535, not "${v.port}"`);
  }
  const { runBrowserMode } = await import('../main/web/main');
  const mode = await runBrowserMode({ port, dbPath: dbPath(v.db), dataDir: process.env.INTAKE_DATA_DIR ?? defaultDataDir() });
  // Serves until Ctrl-C, then closes the engine (runs recorded as interrupted) and the server.
  return await new Promise<number>((resolveExit) => {
    const stop = () => void mode.close().then(() => resolveExit(EXIT_INTERRUPTED));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** Waits for the background embedder, with a progress line on a TTY; Ctrl-C leaves the rest pending. */
async function embedWithProgress(engine: Engine, quiet: boolean, interrupted: () => boolean): Promise<void> {
  const tty = !quiet && process.stderr.isTTY;
  const start = engine.embedder.status();
  const todo = start.pending;
  if (!quiet) process.stderr.write(`Embedding ${todo} chunk${todo === 1 ? '' : 's'} for meaning search (Ctrl-C leaves the rest for later; they stay keyword-searchable)…\n`);
  engine.onEmbedProgress = (s: EmbeddingStatus) => {
    if (tty) process.stderr.write(`\r  ${s.current}/${s.chunks} chunks embedded with ${s.model}${s.pending ? `, ${s.pending} to go` : ''}   `);
  };
  const stop = () => void engine.embedder.close();
  const poll = setInterval(() => interrupted() && stop(), 200);
  try {
    await engine.embedder.idle();
  } finally {
    clearInterval(poll);
    engine.onEmbedProgress = null;
    if (tty) process.stderr.write('\n');
  }
}

function existingDb(flag: string | undefined): string {
  const db = dbPath(flag);
  if (!existsSync(db)) throw new UsageError(`no library at ${db} (ingest something first, or pass --db FILE)`);
  return db;
}

async function searchCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = tryParse(() => parseArgs({ args, options: {
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
    mode: { type: 'string', default: 'hybrid' },
    limit: { type: 'string', default: '10' },
    ai: { type: 'string' },
    'ai-base-url': { type: 'string' },
    'embed-model': { type: 'string' },
  }, allowPositionals: true, strict: true }));
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError('search needs a query, e.g. intake search "letter from my doctor"');
  if (query.length > 500) throw new UsageError('the query is too long (500 characters at most)');
  if (!(SEARCH_MODES as readonly string[]).includes(v.mode)) throw new UsageError(`--mode must be one of ${SEARCH_MODES.join(', ')}; not "${v.mode}"`);
  const limit = Number(v.limit);
  if (!/^\d+$/.test(v.limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000, not "${v.limit}"`);
  const engine = openEngine(existingDb(v.db));
  try {
    engine.useAi(aiSettings(v));
    const { rows } = await engine.searchDocuments(query, { mode: v.mode as SearchMode, offset: 0, limit });
    if (v.json) {
      const out = rows.map((r) => ({ id: r.id, title: r.title, filePath: r.filePath, docType: r.docType, correspondent: r.correspondent, date: r.docDate, score: r.score, snippet: r.snippet }));
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return EXIT_OK;
    }
    if (!rows.length) {
      process.stdout.write(`No documents match "${query}".\n`);
      return EXIT_OK;
    }
    const bold = process.stdout.isTTY ? (s: string) => `\u001b[1m${s}\u001b[22m` : (s: string) => s;
    process.stdout.write(`${rows.length} document${rows.length === 1 ? '' : 's'} for "${query}" (${v.mode}), best first:\n\n`);
    rows.forEach((r, i) => process.stdout.write(`${formatHit(r, i + 1, bold)}\n\n`));
    return EXIT_OK;
  } finally {
    await engine.close();
  }
}

function formatHit(r: SearchHit, n: number, bold: (s: string) => string): string {
  const meta = [r.docType, r.correspondent, r.docDate].filter((x) => x && x !== 'other').join(' · ');
  let snippet = '';
  let at = 0;
  for (const h of r.highlights) {
    snippet += r.snippet.slice(at, h.start) + bold(r.snippet.slice(h.start, h.end));
    at = h.end;
  }
  snippet += r.snippet.slice(at);
  return [`${String(n).padStart(2)}. ${bold(r.title)}${meta ? `  — ${meta}` : ''}`, `    ${r.filePath}`, `    ${snippet}`].join('\n');
}

async function reembedCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = tryParse(() => parseArgs({ args, options: {
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
    ai: { type: 'string' },
    'ai-base-url': { type: 'string' },
    'embed-model': { type: 'string' },
  }, allowPositionals: true, strict: true }));
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const engine = openEngine(existingDb(v.db));
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    process.stderr.write('\nStopping after the current batch; `intake reembed` carries on from there.\n');
    void engine.embedder.close();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    engine.useAi(aiSettings(v));
    const before = engine.embedder.status();
    const todo = before.pending + before.failed + before.outdated;
    const tty = !v.json && process.stderr.isTTY;
    if (!v.json) process.stdout.write(`Re-embedding ${todo} of ${before.chunks} chunks with ${before.model} (text, OCR and classification stay as they are)…\n`);
    engine.onEmbedProgress = (s) => {
      if (tty) process.stderr.write(`\r  ${s.current}/${s.chunks} chunks embedded   `);
    };
    const after = await engine.embedder.reembed();
    if (tty) process.stderr.write('\n');
    if (v.json) process.stdout.write(`${JSON.stringify(after)}\n`);
    else {
      process.stdout.write(`${after.current} of ${after.chunks} chunks embedded with ${after.model}.`);
      const left = after.pending + after.outdated;
      if (after.failed) process.stdout.write(` ${after.failed} failed (${after.lastError ?? 'unknown error'}); run intake reembed again to retry them.`);
      if (left) process.stdout.write(` ${left} left for the next intake reembed.`);
      process.stdout.write('\n');
    }
    return interrupted ? EXIT_INTERRUPTED : EXIT_OK;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await engine.close();
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

async function watchCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add' && sub !== 'list' && sub !== 'remove') throw new UsageError(`"watch" needs add, list or remove${sub ? `, not "${sub}"` : ''}`);
  const { values: v, positionals } = tryParse(() => parseArgs({ args: rest, options: { db: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true }));
  if (sub === 'list' && positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (sub !== 'list' && positionals.length !== 1) throw new UsageError(`watch ${sub} needs one folder`);
  const folder = sub === 'list' ? '' : resolvePath(positionals[0]);
  if (sub === 'add') {
    if (folder.includes('\0')) throw new UsageError('a path contains a NUL byte');
    if (!existsSync(folder)) throw new UsageError(`no such folder: ${positionals[0]}`);
    if (!statSync(folder).isDirectory()) throw new UsageError(`${positionals[0]} is a file; watch the folder it is in`);
  }
  const engine = openEngine(sub === 'add' ? dbPath(v.db) : existingDb(v.db));
  try {
    const { watched } = engine.library;
    if (sub === 'add') {
      watched.add(folder, nowSec());
      if (!v.json) process.stdout.write(`Watching ${folder} (the app and \`intake serve\` take new files from it).\n`);
    } else if (sub === 'remove') {
      const row = watched.byPath(folder);
      if (!row) {
        process.stderr.write(`intake: ${folder} is not a watched folder\n`);
        return EXIT_USAGE;
      }
      watched.remove(row.id);
      if (!v.json) process.stdout.write(`No longer watching ${folder}.\n`);
    }
    const list: Omit<WatchedFolder, 'watchedHere'>[] = watched.list().map((r) => ({
      id: r.id,
      path: r.path,
      state: r.paused ? 'paused' : r.state,
      message: r.message,
      paused: r.paused,
      addedAt: r.addedAt,
      lastSeenAt: r.lastSeenAt,
      lastFile: r.lastFile,
      ingested: r.ingested,
      failed: r.failed,
    }));
    if (v.json) {
      process.stdout.write(`${JSON.stringify(list)}\n`);
    } else if (sub === 'list') {
      if (!list.length) process.stdout.write('No watched folders. Add one with: intake watch add <folder>\n');
      for (const f of list) {
        const last = f.lastFile ? `, last ${f.lastFile}` : '';
        process.stdout.write(`${f.path}  [${f.state.replace('_', ' ')}]  ${f.ingested} brought in, ${f.failed} failed${last}\n`);
      }
    }
    return EXIT_OK;
  } finally {
    await engine.close();
  }
}

async function coverageCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = tryParse(() => parseArgs({ args, options: { db: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true }));
  if (positionals.length !== 1) throw new UsageError('coverage needs one folder');
  if (positionals[0].includes('\0')) throw new UsageError('a path contains a NUL byte');
  const folder = resolvePath(positionals[0]);
  const engine = openEngine(existingDb(v.db));
  try {
    const c = await coverageOf(engine.library, folder, { limit: 100_000, disk: true });
    if (v.json) {
      process.stdout.write(`${JSON.stringify(c)}\n`);
      return EXIT_OK;
    }
    const head = ['ingested', 'duplicate', 'failed', 'unsupported', 'not yet seen'];
    const row = (name: string, k: CoverageCounts) => `${COVERAGE_CATEGORIES.map((cat) => String(k[cat]).padStart(12)).join('')}  ${name}`;
    process.stdout.write(`${head.map((h) => h.padStart(12)).join('')}  folder\n`);
    for (const e of c.entries) if (e.dir) process.stdout.write(`${row(`${e.name}/`, e.counts)}\n`);
    const here = c.entries.filter((e) => !e.dir);
    if (here.length) {
      const k: CoverageCounts = { ingested: 0, duplicate: 0, failed: 0, unsupported: 0, unseen: 0 };
      for (const e of here) for (const cat of COVERAGE_CATEGORIES) k[cat] += e.counts[cat];
      process.stdout.write(`${row('(files in this folder)', k)}\n`);
    }
    process.stdout.write(`${row(`total ${c.folder}`, c.total)}\n`);
    return EXIT_OK;
  } finally {
    await engine.close();
  }
}
