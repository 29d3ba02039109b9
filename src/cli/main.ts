/**
 * The `intake` command: arguments and printing only. Every command opens the library through the
 * same application service as the app's screens (src/main/app/service.ts) and calls its operations;
 * runs use the library's saved Settings, with this command line's flags on top.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, parse as parsePath, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DocumentRow, EmbeddingStatus, FailedFile, ReprocessOutcomeKind, RunOptions, RunProgress, RunSummary, SearchMode, Stage } from '../shared/domain';
import { COVERAGE_CATEGORIES, SEARCH_MODES, STAGES, type CoverageCounts } from '../shared/domain';
import { ApiError, CODE_LABEL, libraryFault } from '../shared/errors';
import { LIMITS } from '../shared/limits';
import { OFFICIAL_OPENAI_ORIGIN, originOf } from '../main/app/api-key';
import { defaultDataDir, libraryFile } from '../main/app/paths';
import type { LocalIntakeService } from '../main/app/service-api';
import type { RunOverrides } from '../main/app/settings';

export class UsageError extends Error {}

const EXIT_OK = 0;
const EXIT_USAGE = 1;
/** The run paused before finishing (AI settings or endpoint): the last line says why; run again to continue. */
const EXIT_PAUSED = 75; // EX_TEMPFAIL
/** The library itself failed (damaged, disk full, I/O error, read-only): the last line says what to do. */
const EXIT_LIBRARY = 74; // EX_IOERR
const EXIT_INTERRUPTED = 130;

const RUN_FLAGS = `  --no-ocr                 no OCR for this run (scans fail at extract_text)
  --ai local|openai        AI provider for this run
  --ai-base-url URL        OpenAI-compatible server (Ollama, LM Studio, vLLM, …)
  --chat-model M, --embed-model M
  --ocr-languages L+L      e.g. eng+fra (installed languages only)
  --ocr-page-cap N         pages OCR'd per document (${LIMITS.ocrPageCap.min}–${LIMITS.ocrPageCap.max})
  --concurrency N          files at once (${LIMITS.concurrency.min}–${LIMITS.concurrency.max})
  --follow-symlinks        follow linked folders that lead outside the given paths
                           (never into a given path, never in a loop)`;

const HELP: Record<string, string> = {
  ingest: `intake ingest <path...> [--db FILE] [--skip-failed|--no-skip-failed] [--watch] [--json] [run flags]

Ingests files and folders into the library. Runs use the library's saved Settings
(the app's Settings screen); these flags change them for this run only:
${RUN_FLAGS}
  --skip-failed / --no-skip-failed   skip files that failed before, or try them again
  --watch                  keep watching the paths and ingest new and changed files
  --json                   print the summary as one JSON object
Creates the library when it does not exist yet.`,
  failed: `intake failed list [--db FILE] [--stage S] [--json]
intake failed reset <id|hash ...|--all|--stage S> [--db FILE]
intake failed reprocess <id|hash ...|--all|--stage S> [--db FILE] [--json] [run flags]

Lists the files that could not be ingested, forgets them (the next run tries them
again), or retries them now. Stages: ${STAGES.join(', ')}.
Run flags for reprocess:
${RUN_FLAGS}`,
  search: `intake search <query> [--mode ${SEARCH_MODES.join('|')}] [--limit N] [--db FILE] [--json]

Searches the library, best first. --json prints an array of
{"id","title","filePath","docType","correspondent","date","score","snippet"}.
Also: --ai, --ai-base-url, --embed-model (the embedding model to search with).`,
  reembed: `intake reembed [--db FILE] [--json] [--ai local|openai] [--ai-base-url URL] [--embed-model M]

Embeds every chunk again with today's embedding model (text, OCR and classification stay).`,
  watch: `intake watch add|list|remove <folder> [--db FILE] [--json]

The folders the app and \`intake serve\` watch for new files. \`watch add\` creates the library.`,
  coverage: `intake coverage <folder> [--db FILE] [--json]

For each sub-folder: how many files are ingested, duplicates, failed, unsupported, not yet seen.`,
  serve: `intake serve [--port N] [--db FILE]

Serves the app in a browser (also watches the folders of \`intake watch list\`).
Creates the library when it does not exist yet.`,
};

function usage(): string {
  return `Usage:
  intake ingest <path...> [--db FILE] [--no-ocr] [--ai local|openai] [--watch] [--json] …
  intake failed list|reset|reprocess … [--db FILE]
  intake search <query> [--mode hybrid|keyword|semantic] [--limit N] [--db FILE] [--json]
  intake reembed [--db FILE]
  intake watch add|list|remove <folder> [--db FILE] [--json]
  intake coverage <folder> [--db FILE] [--json]
  intake serve [--port N] [--db FILE]
  intake --version | --help | <command> --help

Runs use the library's saved Settings; flags change them for that run.
The API key for --ai openai comes from OPENAI_API_KEY. The library defaults to
${libraryFile()} (override with --db or INTAKE_DB).`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${usage()}\n`);
      return command ? EXIT_OK : EXIT_USAGE;
    }
    if (command === '--version' || command === '-V') {
      process.stdout.write(`intake ${packageVersion()}\n`);
      return EXIT_OK;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}" (try: intake --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${HELP[command]}\n`);
      return EXIT_OK;
    }
    return await run(rest);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ApiError) {
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

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  ingest: ingestCommand,
  failed: failedCommand,
  serve: serveCommand,
  watch: watchCommand,
  coverage: coverageCommand,
  search: searchCommand,
  reembed: reembedCommand,
};

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'intake') return pkg.version ?? 'unknown';
    }
    if (dirname(dir) === dir) return 'unknown';
    dir = dirname(dir);
  }
}

const aiFlags = {
  ai: { type: 'string' },
  'ai-base-url': { type: 'string' },
  'embed-model': { type: 'string' },
} as const;

const runFlags = {
  ...aiFlags,
  'no-ocr': { type: 'boolean', default: false },
  'chat-model': { type: 'string' },
  'ocr-languages': { type: 'string' },
  'ocr-page-cap': { type: 'string' },
  concurrency: { type: 'string' },
  'follow-symlinks': { type: 'boolean', default: false },
} as const;

type Flags = Parameters<typeof parseArgs>[0] extends infer C ? (C extends { options?: infer O } ? O : never) : never;

/** parseArgs with the CLI's wording: an unknown flag is one line naming it, with a hint. */
function parse<O extends Flags>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options: { db: { type: 'string' }, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    const err = e as { code?: string; message: string };
    const flag = /'([^']+)'/.exec(err.message)?.[1] ?? '';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`${command} does not take ${flag || 'that option'} (see: intake ${command.split(' ')[0]} --help)`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--[\w-]+/.exec(err.message)?.[0] ?? 'an option';
      throw new UsageError(`${name} ${/does not take an argument/.test(err.message) ? 'takes no value' : 'needs a value'} (see: intake ${command.split(' ')[0]} --help)`);
    }
    throw new UsageError(`${err.message.split('\n')[0]} (see: intake ${command.split(' ')[0]} --help)`);
  }
}

function wholeNumber(flag: string, v: string | undefined, range: { min: number; max: number }): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < range.min || n > range.max) throw new UsageError(`--${flag} must be a whole number from ${range.min} to ${range.max}, not "${v}"`);
  return n;
}

/** This command line's changes to the saved Settings. */
function overridesFrom(v: {
  ai?: string;
  'ai-base-url'?: string;
  'chat-model'?: string;
  'embed-model'?: string;
  'no-ocr'?: boolean;
  'ocr-languages'?: string;
  'ocr-page-cap'?: string;
  concurrency?: string;
  'skip-failed'?: boolean;
  'no-skip-failed'?: boolean;
  'follow-symlinks'?: boolean;
}): RunOverrides {
  if (v.ai !== undefined && v.ai !== 'local' && v.ai !== 'openai') throw new UsageError(`--ai must be "local" or "openai", not "${v.ai}"`);
  const baseUrl = v['ai-base-url'] ?? process.env.OPENAI_BASE_URL;
  if (baseUrl !== undefined && !/^https?:\/\/\S+$/i.test(baseUrl)) throw new UsageError(`--ai-base-url must be an http(s) URL, not "${baseUrl}"`);
  for (const flag of ['chat-model', 'embed-model'] as const) {
    const m = v[flag];
    if (m !== undefined && (!m.trim() || m.length > 200)) throw new UsageError(`--${flag} needs a model name`);
  }
  const languages = v['ocr-languages']?.split(/[+,]/);
  if (languages && !languages.every((l) => /^[a-z_]{3,10}$/i.test(l))) throw new UsageError(`--ocr-languages takes codes like eng+fra, not "${v['ocr-languages']}"`);
  if (v['skip-failed'] && v['no-skip-failed']) throw new UsageError('--skip-failed and --no-skip-failed cannot both be given');
  return {
    ...(v['no-ocr'] ? { ocr: false } : {}),
    ...(v['follow-symlinks'] ? { followSymlinks: true } : {}),
    ...(v['skip-failed'] ? { skipFailed: true } : v['no-skip-failed'] ? { skipFailed: false } : {}),
    ocrLanguages: languages,
    ocrPageCap: wholeNumber('ocr-page-cap', v['ocr-page-cap'], LIMITS.ocrPageCap),
    concurrency: wholeNumber('concurrency', v.concurrency, LIMITS.concurrency),
    ai: { provider: v.ai as 'local' | 'openai' | undefined, baseUrl, chatModel: v['chat-model'], embedModel: v['embed-model'] },
  };
}

function stageArg(v: string | undefined): Stage | undefined {
  if (v === undefined) return undefined;
  if (!(STAGES as readonly string[]).includes(v)) throw new UsageError(`--stage must be one of ${STAGES.join(', ')}; not "${v}"`);
  return v as Stage;
}

interface OpenOptions {
  /** Only ingest, serve and watch add create a library; every other command refuses a missing one. */
  create?: boolean;
  readonly?: boolean;
  overrides?: RunOverrides;
}

/** The library through the application service, as the app opens it: saved Settings, then this command's overrides. */
async function openLibrary(flag: string | undefined, o: OpenOptions = {}): Promise<{ service: LocalIntakeService; db: string; created: boolean }> {
  if (flag !== undefined && (!flag.trim() || flag.includes('\0'))) throw new UsageError('--db needs a file path');
  const dataDir = defaultDataDir();
  const db = libraryFile({ given: flag, dataDir });
  const created = !existsSync(db);
  if (created && !o.create) throw new UsageError(`no library at ${db} (only intake ingest, serve and watch add create one; or pass --db FILE)`);
  if (!created && statSync(db).isDirectory()) throw new UsageError(`${db} is a folder, not a library file (pass --db FILE, e.g. ${join(db, 'library.db')})`);
  const [{ createIntakeService }, { headlessPlatform }] = await Promise.all([import('../main/app/service'), import('../main/app/platform')]);
  let service: LocalIntakeService;
  try {
    service = await createIntakeService({
      dbPath: db,
      dataDir,
      // A terminal: no window, no folder picker, the API key in the same key file as browser mode.
      platform: headlessPlatform(dataDir),
      version: packageVersion(),
      allowedRoots: [parsePath(process.cwd()).root],
      watch: { enabled: false },
      readonly: o.readonly,
      runOverrides: o.overrides,
    });
  } catch (e) {
    const fault = libraryFault(e);
    if (fault) throw fault;
    // A directory, a file that is not a library, no permission: a config error, not a crash.
    throw new UsageError(`cannot open the library ${db}: ${(e as Error).message}`);
  }
  return { service, db, created };
}

/** Refuses, before any work, AI or OCR settings this run cannot use. */
async function checkRunOptions(service: LocalIntakeService, o: RunOverrides): Promise<RunOptions> {
  const options = service.runOptions([]);
  if (o.ocrLanguages) {
    const installed = (await service.handlers['settings.languages']({})).map((l) => l.code);
    const missing = o.ocrLanguages.filter((l) => !installed.includes(l));
    if (missing.length) throw new UsageError(`OCR language ${missing.join(', ')} is not installed (installed: ${installed.join(', ')})`);
  }
  if (options.ai.provider === 'openai' && options.ai.apiKey === 'not-needed' && originOf(options.ai.baseUrl) === OFFICIAL_OPENAI_ORIGIN) {
    throw new UsageError(
      o.ai?.provider === 'openai'
        ? 'OPENAI_API_KEY is not set (needed for --ai openai with the OpenAI endpoint)'
        : "the library's Settings use OpenAI but no API key is available here: set OPENAI_API_KEY, or pass --ai local",
    );
  }
  return options;
}

/** "local AI · OCR eng+fra, up to 50 pages": what a run used, for its summary. */
function describeOptions(o: RunOptions): string {
  const ai = o.ai.provider === 'local' ? 'local AI (built in)' : `OpenAI-compatible AI at ${o.ai.baseUrl} (${o.ai.chatModel}, embeddings ${o.ai.embedModel})`;
  const ocr = o.ocr ? `OCR ${o.ocrLanguages.join('+')}, up to ${o.ocrPageCap} pages` : 'OCR off';
  return `${ai} · ${ocr}`;
}

/** Follows the runs this process starts: progress for the bar, each summary when its run ends. */
function followRuns(service: LocalIntakeService, onProgress: (p: RunProgress) => void) {
  const ended = new Map<number, RunSummary>();
  const waiting = new Map<number, (s: RunSummary) => void>();
  const offProgress = service.on('run.progress', onProgress);
  const offFinished = service.on('run.finished', (s) => {
    ended.set(s.runId, s);
    waiting.get(s.runId)?.(s);
  });
  return {
    finished: (runId: number) => new Promise<RunSummary>((res) => (ended.has(runId) ? res(ended.get(runId)!) : waiting.set(runId, res))),
    stop: () => {
      offProgress();
      offFinished();
    },
  };
}

async function ingestCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse('ingest', args, {
    ...runFlags,
    json: { type: 'boolean', default: false },
    'skip-failed': { type: 'boolean', default: false },
    'no-skip-failed': { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
  });
  if (!positionals.length) throw new UsageError('ingest needs at least one file or folder (see: intake ingest --help)');
  for (const p of positionals) {
    if (p.includes('\0')) throw new UsageError('a path contains a NUL byte');
    if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  }
  const paths = positionals.map((p) => resolvePath(p));
  const overrides = overridesFrom(v);
  const { service, db, created } = await openLibrary(v.db, { create: true, overrides });
  const json = !!v.json;
  const progress = json ? null : process.stderr.isTTY ? new ProgressBar() : new ProgressLog();
  const runs = followRuns(service, (p) => progress?.update(p));
  let interrupted = false;
  let refused = false;
  let embedding = false;
  let stopWatch: (() => void) | null = null;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED); // a second Ctrl-C: leave now
    interrupted = true;
    if (embedding) {
      // The files are in; what is left is the background embedding, which the next opening of the library resumes.
      process.stderr.write('\nStopping after the current batch; the chunks left stay keyword-searchable and are embedded the next time `intake ingest`, `intake reembed` or the app opens this library.\n');
      void service.stopEmbedding();
      return;
    }
    process.stderr.write('\nStopping: finishing the files in progress… (Ctrl-C again to quit at once)\n');
    service.interrupt();
    stopWatch?.();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const options = await checkRunOptions(service, overrides).catch((e: unknown) => {
      refused = true;
      throw e;
    });
    if (created && !json) process.stderr.write(`Created a new library at ${db}\n`);
    const { runId } = await service.handlers['ingest.start']({ paths });
    const summary = await runs.finished(runId);
    progress?.clear();
    printSummary(summary, { json, db: v.db, used: describeOptions(options) });
    if (!interrupted && service.embedding()) {
      embedding = true;
      await embedWithProgress(service, json);
      embedding = false;
    }
    if (v.watch && !interrupted && summary.status === 'completed') {
      if (!json) process.stdout.write(`Watching ${positionals.join(', ')} for new and changed files (Ctrl-C to stop)…\n`);
      await new Promise<void>((resolve) => {
        stopWatch = service.watchPaths(paths, {
          onRunEnd: (s) => printSummary(s, { json, db: v.db }),
          onPollError: (message) => process.stderr.write(`intake: ${message}\n`),
          onNotice: (message) => process.stderr.write(`intake: ${message}\n`),
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
    runs.stop();
    await service.close();
    // Refused before any work: the library this command was about to create is not left behind.
    if (refused && created) for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  }
}

/** `--db FILE` as the user typed it, for the commands the summary suggests. */
function dbHint(db: string | undefined): string {
  if (db === undefined) return '';
  return ` --db ${/^[\w./@%+=:,-]+$/.test(db) ? db : `'${db.replace(/'/g, `'\\''`)}'`}`;
}

function printSummary(s: RunSummary, o: { json: boolean; db: string | undefined; used?: string }): void {
  if (o.json) {
    const { runId, scanned, ingested, skippedExisting, skippedFailed, unsupported, failed, failedByStage, durationMs, status, message, linksNotFollowed } = s;
    process.stdout.write(
      `${JSON.stringify({ runId, scanned, ingested, skippedExisting, skippedFailed, unsupported, failed, failedByStage, durationMs, status, ...(message ? { message } : {}), ...(linksNotFollowed ? { linksNotFollowed } : {}) })}\n`,
    );
    return;
  }
  const byStage = Object.entries(s.failedByStage)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  const rows: [string, string][] = [
    ['Scanned', String(s.scanned)],
    ['Ingested', String(s.ingested)],
    ['Skipped (existing)', String(s.skippedExisting)],
    ['Skipped (failed)', String(s.skippedFailed)],
    ['Unsupported', String(s.unsupported)],
    ...(s.linksNotFollowed ? ([['Links not followed', String(s.linksNotFollowed.length)]] as [string, string][]) : []),
    ['Failed', `${s.failed}${byStage ? `  (${byStage})` : ''}`],
    ...(o.used ? ([['Used', o.used]] as [string, string][]) : []),
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  const lines = [`Run ${s.runId} ${STATUS_WORDS[s.status] ?? s.status} in ${(s.durationMs / 1000).toFixed(1)} s`, ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${value}`)];
  if (s.message) lines.push(`  ${s.message}`);
  if (s.failed) lines.push(`  See them with: intake failed list${dbHint(o.db)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

const STATUS_WORDS: Partial<Record<RunSummary['status'], string>> = { completed: 'completed', interrupted: 'interrupted', cancelled: 'cancelled', paused: 'paused' };

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

/** Progress for a log file or a pipe: a line every PROGRESS_EVERY_FILES files or every 10 s, so a log shows the run is alive. */
export const PROGRESS_EVERY_FILES = 500;
const PROGRESS_EVERY_MS = 10_000;
class ProgressLog {
  private lastDone = 0;
  private lastAt = Date.now();
  update(p: RunProgress): void {
    const now = Date.now();
    if (p.done - this.lastDone < PROGRESS_EVERY_FILES && now - this.lastAt < PROGRESS_EVERY_MS) return;
    this.lastDone = p.done;
    this.lastAt = now;
    process.stderr.write(`  ${p.done}/${p.total}${p.scanning ? '+' : ''} files, ${p.failed} failed, ${p.ratePerSec}/s${p.etaSec != null ? `, about ${p.etaSec} s left` : ''}\n`);
  }
  clear(): void {}
}

async function failedCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') return failedList(rest);
  if (sub === 'reset' || sub === 'reprocess') return failedAct(sub, rest);
  throw new UsageError(`"failed" needs list, reset or reprocess${sub ? `, not "${sub}"` : ''} (see: intake failed --help)`);
}

async function failedList(args: string[]): Promise<number> {
  const { values: v, positionals } = parse('failed list', args, { stage: { type: 'string' }, json: { type: 'boolean', default: false } });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const stage = stageArg(v.stage);
  // Only looks: a library on a read-only disk or owned by another user can still be listed.
  const { service } = await openLibrary(v.db, { readonly: true });
  try {
    const filter = stage ? { stage } : {};
    const rows: FailedFile[] = [];
    let total = 0;
    do {
      const page = await service.handlers['failed.list']({ offset: rows.length, limit: 1000, sort: 'failed_at', dir: 'desc', filter });
      total = page.total;
      rows.push(...page.rows);
      if (!page.rows.length) break;
    } while (rows.length < total);
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
    await service.close();
  }
}

function formatFailed(r: FailedFile): string {
  const at = new Date(r.failedAt * 1000).toISOString().replace('T', ' ').slice(0, 19);
  const line = `${String(r.id).padStart(6)}  ${r.stage.padEnd(12)} ${r.errorCode.padEnd(20)} ${String(r.attempts).padStart(5)}  ${at}  ${r.filePath} — ${r.reason}`;
  return [line, ...(r.otherPaths ?? []).map((p) => `${' '.repeat(70)}also at ${p}`)].join('\n');
}

const OUTCOME_WORDS: Record<ReprocessOutcomeKind, string> = {
  succeeded: 'ingested',
  failed_same: 'failed again',
  failed_different: 'failed differently',
  skipped: 'not processed',
};

async function failedAct(sub: 'reset' | 'reprocess', args: string[]): Promise<number> {
  const { values: v, positionals } = parse(`failed ${sub}`, args, {
    ...(sub === 'reprocess' ? runFlags : {}),
    json: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    stage: { type: 'string' },
  });
  const stage = stageArg(v.stage as string | undefined);
  const modes = [v.all, stage !== undefined, positionals.length > 0].filter(Boolean).length;
  if (modes !== 1) throw new UsageError(`failed ${sub} needs ids or hashes, --all, or --stage S (exactly one of them)`);
  for (const p of positionals) {
    if (!/^\d{1,15}$/.test(p) && !/^[0-9a-f]{64}$/i.test(p)) throw new UsageError(`"${p}" is neither a failed-file id nor a SHA-256 hash`);
  }
  const overrides = sub === 'reprocess' ? overridesFrom(v as Parameters<typeof overridesFrom>[0]) : {};
  const { service } = await openLibrary(v.db as string | undefined, { overrides });
  try {
    let selection: { ids: number[] } | { filter: { stage?: Stage }; all: true };
    if (v.all || stage) selection = { filter: stage ? { stage } : {}, all: true };
    else {
      const ids: number[] = [];
      const unknown: string[] = [];
      for (const p of positionals) {
        const id = await failedIdOf(service, p);
        if (id === undefined) unknown.push(p);
        else ids.push(id);
      }
      if (unknown.length) {
        process.stderr.write(`intake: no failed file with id or hash ${unknown.join(', ')}\n`);
        return EXIT_USAGE;
      }
      selection = { ids };
    }
    if (sub === 'reset') {
      const { reset } = await service.handlers['failed.reset'](selection);
      process.stdout.write(`Reset ${reset} failed file${reset === 1 ? '' : 's'}; the next run will try ${reset === 1 ? 'it' : 'them'} again.\n`);
      return EXIT_OK;
    }
    const options = await checkRunOptions(service, overrides);
    const report = await service.handlers['failed.reprocess'](selection);
    if (v.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return EXIT_OK;
    }
    process.stdout.write(
      `Reprocessed ${report.outcomes.length}: ${report.succeeded} ingested, ${report.failedSame} failed again the same way, ${report.failedDifferent} failed differently${report.skipped ? `, ${report.skipped} not processed` : ''}.\n`,
    );
    process.stdout.write(`  Used: ${describeOptions(options)}\n`);
    const width = Math.max(...report.outcomes.map((o) => OUTCOME_WORDS[o.outcome].length), 0);
    for (const o of report.outcomes) {
      const what = o.outcome === 'succeeded' ? '' : o.errorCode ? ` (${o.stage}: ${CODE_LABEL[o.errorCode]} — ${o.reason})` : o.reason ? ` (${o.reason})` : '';
      process.stdout.write(`  ${OUTCOME_WORDS[o.outcome].padEnd(width)}  ${o.filePath}${what}\n`);
    }
    return EXIT_OK;
  } finally {
    await service.close();
  }
}

/** A failed-file id or file hash as typed → the failed row's id, if there is one. */
async function failedIdOf(service: LocalIntakeService, given: string): Promise<number | undefined> {
  if (/^[0-9a-f]{64}$/i.test(given)) {
    const hash = given.toLowerCase();
    const { rows } = await service.handlers['failed.list']({ offset: 0, limit: 10, sort: 'failed_at', dir: 'desc', filter: { q: hash } });
    return rows.find((r) => r.fileHash === hash)?.id;
  }
  try {
    return (await service.handlers['failed.get']({ id: Number(given) })).id;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'not_found') return undefined;
    throw e;
  }
}

async function serveCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse('serve', args, { port: { type: 'string' } });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = v.port === undefined ? 0 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (v.port !== undefined && !/^\d+$/.test(v.port))) {
    throw new UsageError(`--port must be a number from 0 to 65535, not "${v.port}"`);
  }
  if (v.db !== undefined && (!v.db.trim() || v.db.includes('\0'))) throw new UsageError('--db needs a file path');
  const dataDir = defaultDataDir();
  const dbPath = libraryFile({ given: v.db, dataDir });
  if (!existsSync(dbPath)) process.stderr.write(`Created a new library at ${dbPath}\n`);
  const { runBrowserMode } = await import('../main/web/main');
  const mode = await runBrowserMode({ port, dbPath, dataDir });
  // Serves until Ctrl-C (exit 130) or a service manager's SIGTERM (a requested stop: exit 0), then
  // closes the engine (runs recorded as interrupted, extractors ended) and the server.
  return await new Promise<number>((resolveExit) => {
    const stop = (code: number) => void mode.close().then(() => resolveExit(code));
    process.once('SIGINT', () => stop(EXIT_INTERRUPTED));
    process.once('SIGTERM', () => stop(EXIT_OK));
  });
}

/** Waits for the background embedder, with a progress line on a TTY; Ctrl-C leaves the rest pending. */
async function embedWithProgress(service: LocalIntakeService, quiet: boolean): Promise<void> {
  const tty = !quiet && process.stderr.isTTY;
  const todo = (await service.handlers['library.embedding']({})).pending;
  if (!quiet) process.stderr.write(`Embedding ${todo} chunk${todo === 1 ? '' : 's'} for meaning search (Ctrl-C leaves the rest for later; they stay keyword-searchable)…\n`);
  const off = service.on('embed.progress', (s: EmbeddingStatus) => {
    if (tty) process.stderr.write(`\r  ${s.current}/${s.chunks} chunks embedded with ${s.model}${s.pending ? `, ${s.pending} to go` : ''}   `);
  });
  try {
    await service.embedded();
  } finally {
    off();
    if (tty) process.stderr.write('\n');
  }
}

async function searchCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse('search', args, {
    ...aiFlags,
    json: { type: 'boolean', default: false },
    mode: { type: 'string', default: 'hybrid' },
    limit: { type: 'string', default: '10' },
  });
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError('search needs a query, e.g. intake search "letter from my doctor"');
  if (query.length > 500) throw new UsageError('the query is too long (500 characters at most)');
  if (!(SEARCH_MODES as readonly string[]).includes(v.mode)) throw new UsageError(`--mode must be one of ${SEARCH_MODES.join(', ')}; not "${v.mode}"`);
  const limit = wholeNumber('limit', v.limit, { min: 1, max: 1000 })!;
  const { service } = await openLibrary(v.db, { readonly: true, overrides: overridesFrom(v) });
  try {
    const { rows } = await service.handlers['documents.list']({ q: query, mode: v.mode as SearchMode, offset: 0, limit });
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
    await service.close();
  }
}

function formatHit(r: DocumentRow, n: number, bold: (s: string) => string): string {
  const meta = [r.docType, r.correspondent, r.docDate].filter((x) => x && x !== 'other').join(' · ');
  const text = r.snippet ?? '';
  let snippet = '';
  let at = 0;
  for (const h of r.highlights ?? []) {
    snippet += text.slice(at, h.start) + bold(text.slice(h.start, h.end));
    at = h.end;
  }
  snippet += text.slice(at);
  return [`${String(n).padStart(2)}. ${bold(r.title)}${meta ? `  — ${meta}` : ''}`, `    ${r.filePath}`, `    ${snippet}`].join('\n');
}

async function reembedCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse('reembed', args, { ...aiFlags, json: { type: 'boolean', default: false } });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const { service } = await openLibrary(v.db, { overrides: overridesFrom(v) });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    process.stderr.write('\nStopping after the current batch; `intake reembed` carries on from there.\n');
    void service.stopEmbedding();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const tty = !v.json && process.stderr.isTTY;
  const off = service.on('embed.progress', (s) => {
    if (tty) process.stderr.write(`\r  ${s.current}/${s.chunks} chunks embedded   `);
  });
  try {
    const before = await service.handlers['library.embedding']({});
    const todo = before.pending + before.failed + before.outdated;
    if (!v.json) process.stdout.write(`Re-embedding ${todo} of ${before.chunks} chunks with ${before.model} (text, OCR and classification stay as they are)…\n`);
    await service.handlers['library.reembed']({});
    const after = await service.embedded();
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
    off();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await service.close();
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

async function watchCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add' && sub !== 'list' && sub !== 'remove') throw new UsageError(`"watch" needs add, list or remove${sub ? `, not "${sub}"` : ''} (see: intake watch --help)`);
  const { values: v, positionals } = parse(`watch ${sub}`, rest, { json: { type: 'boolean', default: false } });
  if (sub === 'list' && positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (sub !== 'list' && positionals.length !== 1) throw new UsageError(`watch ${sub} needs one folder`);
  const folder = sub === 'list' ? '' : resolvePath(positionals[0]);
  if (sub === 'add') {
    if (folder.includes('\0')) throw new UsageError('a path contains a NUL byte');
    if (!existsSync(folder)) throw new UsageError(`no such folder: ${positionals[0]}`);
    if (!statSync(folder).isDirectory()) throw new UsageError(`${positionals[0]} is a file; watch the folder it is in`);
  }
  const { service } = await openLibrary(v.db, { create: sub === 'add' });
  try {
    let list = await service.handlers['watch.list']({});
    if (sub === 'add') {
      list = await service.handlers['watch.add']({ path: folder });
      if (!v.json) process.stdout.write(`Watching ${folder} (the app and \`intake serve\` take new files from it).\n`);
    } else if (sub === 'remove') {
      const row = list.find((f) => f.path === folder);
      if (!row) {
        process.stderr.write(`intake: ${folder} is not a watched folder\n`);
        return EXIT_USAGE;
      }
      list = await service.handlers['watch.remove']({ id: row.id });
      if (!v.json) process.stdout.write(`No longer watching ${folder}.\n`);
    }
    if (v.json) {
      process.stdout.write(`${JSON.stringify(list.map(({ watchedHere: _here, ...f }) => f))}\n`);
    } else if (sub === 'list') {
      if (!list.length) process.stdout.write('No watched folders. Add one with: intake watch add <folder>\n');
      for (const f of list) {
        const last = f.lastFile ? `, last ${f.lastFile}` : '';
        process.stdout.write(`${f.path}  [${f.state.replace('_', ' ')}]  ${f.ingested} brought in, ${f.failed} failed${last}\n`);
      }
    }
    return EXIT_OK;
  } finally {
    await service.close();
  }
}

async function coverageCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse('coverage', args, { json: { type: 'boolean', default: false } });
  if (positionals.length !== 1) throw new UsageError('coverage needs one folder');
  if (positionals[0].includes('\0')) throw new UsageError('a path contains a NUL byte');
  const folder = resolvePath(positionals[0]);
  const { service } = await openLibrary(v.db, { readonly: true });
  try {
    const c = await service.handlers['coverage.list']({ folder, limit: 100_000, disk: true });
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
    await service.close();
  }
}
