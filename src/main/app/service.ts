/**
 * The engine API behind every channel of the contract. Electron's ipcMain, the
 * browser-mode web bridge and the tests all call these same handlers; they stay
 * thin: validation happens in dispatch (zod), logic lives in the engine.
 */
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, parse as parsePath, resolve, sep } from 'node:path';
import type { EventName, Events, Handlers } from '../../shared/contract';
import type { FailedFilter, RunProgress } from '../../shared/domain';
import { ApiError } from '../../shared/errors';
import { isExternalLink } from '../../shared/links';
import { redactSecrets } from '../../shared/redact';
import { TableBrowser } from '../db/table-browser';
import { nowSec } from '../db/connection';
import { coverageOf, unsupportedUnder } from '../engine/coverage';
import { Engine, type EngineOptions } from '../engine/engine';
import { Library } from '../engine/library';
import type { Run } from '../engine/run';
import { NoticeThrottle, WatchManager } from '../engine/watched';
import { watchFolders } from '../engine/watch';
import { createInbox } from './inbox';
import { inboxDirFor } from './paths';
import { SettingsStore, type RunOverrides } from './settings';
import type { LocalIntakeService, ServiceOptions } from './service-api';

export interface CreateServiceOptions extends ServiceOptions {
  /** Folders the renderer may read and ingest from (default: home and temp; Electron: everything). */
  allowedRoots?: string[];
  /** Cap on the browser-mode inbox's files not yet ingested; default 2 GB. */
  inboxMaxBytes?: number;
  /** Engine overrides for tests (AI provider factory, extractor options). */
  engine?: Partial<Omit<EngineOptions, 'library'>>;
  /** Watched folders: poll interval, OS events, notification spacing; `enabled: false` never watches (tests, CLI). */
  watch?: { enabled?: boolean; pollMs?: number; osEvents?: boolean; noticeEveryMs?: number };
  /** The caller's changes to the saved Settings for every run, search and estimate of this service (CLI flags). */
  runOverrides?: RunOverrides;
  /** Only looks at the library (`intake failed list`): opened read-only, no background embedding, no watching. */
  readonly?: boolean;
}

export async function createIntakeService(opts: CreateServiceOptions): Promise<LocalIntakeService> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  // The service opens the library: its repositories answer the handlers, the engine runs over it.
  const library = Library.open(opts.dbPath, { readonly: opts.readonly });
  let engine: Engine;
  try {
    engine = new Engine({ library, dataDir: opts.dataDir, readonly: opts.readonly, ...opts.engine });
  } catch (e) {
    library.close();
    throw e;
  }
  const settings = new SettingsStore(library.db, opts.dataDir, opts.platform.secrets);
  // Built on first use (the Tables screen): it reads every table's columns.
  let tableBrowser: TableBrowser | null = null;
  const tables = () => (tableBrowser ??= new TableBrowser(library.db));
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const inboxDir = inboxDirFor(opts.dbPath);
  // The inbox is always readable: files dropped in browser mode are ingested from there.
  const roots = await Promise.all(
    [...(opts.allowedRoots ?? (opts.platform.mode === 'electron' ? [parsePath(process.cwd()).root] : defaultRoots())), inboxDir].map((r) => realpathOfNearest(resolve(r))),
  );

  // OCR languages added as .traineddata files live in the data folder, where the extractor looks.
  // The OCR module loads tesseract.js: read it when languages are asked about, not at every start.
  const ocr = async () => {
    const m = await import('../extract/ocr');
    return { ...m, languageDir: m.userLanguageDir(join(opts.dataDir, 'ocr-cache')) };
  };
  const emit = <E extends EventName>(event: E, payload: Events[E]) => emitter.emit(event, payload);
  // Searches and the background embedder follow the saved settings; chunks left pending by a
  // kill (or by the CLI) are embedded now.
  const overrides = opts.runOverrides ?? {};
  const aiSettings = () => settings.aiWithKey(overrides.ai);
  const runOptions = (paths: string[], forRun: RunOverrides = {}) => settings.runOptions(paths, overrides, forRun);
  engine.useAi(aiSettings());
  engine.onEmbedProgress = (s) => emit('embed.progress', s);
  if (!opts.readonly) engine.embedder.kick();
  const failedChanged = () => emit('failed.changed', { count: library.failed.count() });
  // Today's settings as a fingerprint, for "eligible for retry". Every failed-files page needs it,
  // so it is computed once and again only after the settings change (key file read, provider built).
  let fingerprintCache: Record<string, unknown> | null = null;
  const currentFingerprint = () => (fingerprintCache ??= engine.fingerprint(runOptions([])));
  /** After the Database screen wrote a row: the failed count or the settings may have changed. */
  const afterTableWrite = (table: string) => {
    if (table === 'settings') {
      fingerprintCache = null;
      engine.useAi(aiSettings());
    }
    if (table === 'documents' || table === 'chunks') engine.search.invalidate();
    if (table === 'failed_files') failedChanged();
  };

  /**
   * Resolves a renderer-supplied path and refuses anything outside the granted roots. A missing
   * path is judged by the real path of its deepest existing folder, so a path through a link
   * that leads outside is refused the same way whether or not the file exists there.
   */
  const grantedPath = async (p: string): Promise<string> => {
    if (!isAbsolute(p)) throw new ApiError('path_not_allowed', `Use an absolute path: "${p}" is relative.`);
    const abs = normalize(p);
    const real = await realpathOfNearest(abs);
    const inside = roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
    if (!inside) throw new ApiError('path_not_allowed', `"${p}" is outside the folders Intake may read (${roots.join(', ')}).`);
    return abs;
  };

  /** A granted path that exists: a run over a typo would only record it as a vanished file. */
  const existingPath = async (p: string): Promise<string> => {
    const abs = await grantedPath(p);
    const found = await lstat(abs).then(() => true, () => false);
    if (!found) throw new ApiError('not_found', `No such file or folder: "${p}".`);
    return abs;
  };

  /**
   * A document's original on disk: one of the paths the library recorded for it (the first that
   * still exists unless one is named), inside the granted roots, and a regular file.
   */
  const originalOf = async (id: number, wanted?: string): Promise<string> => {
    const doc = library.documents.get(id);
    if (!doc) throw new ApiError('not_found', `No document with id ${id}.`);
    const known = doc.paths.length ? doc.paths : [doc.filePath];
    if (wanted !== undefined && !known.includes(wanted)) throw new ApiError('invalid_input', `"${wanted}" is not a path of this document.`);
    for (const p of wanted !== undefined ? [wanted] : known) {
      const abs = await grantedPath(p);
      const st = await stat(abs).catch(() => null);
      if (st?.isFile()) return abs;
    }
    throw new ApiError('not_found', `The original is no longer at ${known.join(' or ')} (moved or deleted since it was ingested).`);
  };

  const existingFolders = async (list: string[]): Promise<string[]> => {
    const found = await Promise.all(list.map((p) => stat(p).then((st) => st.isDirectory(), () => false)));
    return list.filter((_, i) => found[i]);
  };
  /** Folders of the latest runs (not the inbox's upload folders) that still exist inside the roots. */
  const recentFolders = async (): Promise<string[]> => {
    const seen = new Set<string>();
    for (const run of library.runs.list(50)) {
      for (const root of run.roots) {
        if (seen.size >= RECENT_FOLDERS) break;
        const st = await stat(root).catch(() => null);
        const folder = st?.isDirectory() ? root : st?.isFile() ? dirname(root) : null;
        if (!folder || seen.has(folder) || folder === inboxDir || folder.startsWith(inboxDir + sep)) continue;
        if (await grantedPath(folder).then(() => true, () => false)) seen.add(folder);
      }
    }
    return [...seen];
  };

  const inbox = createInbox({ dir: inboxDir, maxBytes: opts.inboxMaxBytes, isIngested: (p) => library.documents.isIngestedPath(p) });

  const watchRun = (run: Run) => {
    void run.finished.then((summary) => {
      emit('run.finished', summary);
      failedChanged();
    });
    return run;
  };
  // Every count on screen follows the same events: a failure recorded mid-run moves the Failed
  // badge with the run card, not only when the run ends.
  const failedSeen = new Map<number, number>();
  const progressHook = {
    onProgress: (p: RunProgress) => {
      emit('run.progress', p);
      if ((failedSeen.get(p.runId) ?? 0) !== p.failed) {
        failedSeen.set(p.runId, p.failed);
        failedChanged();
      }
      if (p.status !== 'running' && p.status !== 'paused') failedSeen.delete(p.runId);
    },
  };

  const watching = opts.watch?.enabled !== false && !opts.readonly;
  const notices = new NoticeThrottle((n) => emit('watch.notice', n), opts.watch?.noticeEveryMs ?? 60_000);
  const watcher = new WatchManager(engine, library, {
    runOptions: (paths) => runOptions(paths),
    refuse: (p) => grantedPath(p).then(() => null, (e: Error) => e.message),
    pollMs: opts.watch?.pollMs,
    osEvents: opts.watch?.osEvents,
    onChange: () => emit('watch.changed', watcher.list()),
    onRunStart: (run) => watchRun(run),
    onRunEnd: (summary) => notices.add(summary.ingested, summary.failed),
  });
  // Watching resumes where it left off: every listed, unpaused folder catches up, then is watched.
  if (watching) watcher.sync();
  const watchedFolder = (id: number) => {
    if (!library.watched.get(id)) throw new ApiError('not_found', `No watched folder with id ${id}.`);
  };
  const afterWatchEdit = () => {
    if (watching) watcher.sync();
    const list = watcher.list();
    emit('watch.changed', list);
    return list;
  };

  const runOf = (id: number): Run => {
    const run = engine.getRun(id);
    if (!run) throw new ApiError('run_not_found', `Run ${id} is not running.`);
    return run;
  };

  const selection = (sel: { ids: number[] } | { filter: FailedFilter; all: true }) => engine.resolveSelection(sel, currentFingerprint());

  const handlers: Handlers = {
    'app.info': () => ({
      mode: opts.platform.mode,
      version: opts.version ?? '0.1.0',
      dbPath: opts.dbPath,
      dataDir: opts.dataDir,
      inboxDir,
      platform: process.platform,
    }),

    'ingest.preflight': async ({ paths }) => engine.preflight(await Promise.all(paths.map(existingPath))),

    'ingest.start': async (input) => {
      const paths = await Promise.all(input.paths.map(existingPath));
      // Files reached through links must stay inside the granted roots too.
      const options = { ...runOptions(paths, { skipFailed: input.skipFailed, ocr: input.ocr, concurrency: input.concurrency }), allowedRoots: roots };
      const run = watchRun(engine.startRun(options, progressHook));
      return { runId: run.id };
    },
    'ingest.pause': ({ runId }) => {
      runOf(runId).pause();
      return null;
    },
    'ingest.resume': ({ runId }) => {
      runOf(runId).resume();
      return null;
    },
    'ingest.cancel': ({ runId }) => {
      runOf(runId).cancel('cancelled');
      return null;
    },
    'ingest.status': () => engine.activeProgress(),
    'ingest.inbox': ({ files }) => {
      // Small drops as base64 inside the contract; the page streams its uploads through receiveInbox.
      const data = files.map((f) => Buffer.from(f.dataBase64, 'base64'));
      return inbox.save(
        files.map((f, i) => ({ relativePath: f.relativePath, size: data[i].length })),
        (async function* () {
          yield* data;
        })(),
      );
    },
    'runs.list': ({ limit }) => {
      engine.sweepRuns(); // a CLI killed a moment ago shows as interrupted now, not at the next tick
      return library.runs.list(limit);
    },

    'failed.list': (input) => library.failed.page(input, currentFingerprint()),
    'failed.count': () => library.failed.count(),
    'failed.get': ({ id }) => {
      const row = library.failed.get(id, currentFingerprint());
      if (!row) throw new ApiError('not_found', `No failed file with id ${id} (it may have been reset or ingested).`);
      return { ...row, events: library.failureEvents.history(row.fileHash, row.filePath) };
    },
    'failed.groups': ({ filter }) => library.failed.groups(filter, currentFingerprint()),
    'failed.reset': (sel) => {
      const removed = engine.reset(selection(sel));
      failedChanged();
      return { reset: removed.length };
    },
    'failed.estimate': (sel) => engine.estimate(selection(sel), aiSettings()),
    'failed.reprocess': async (sel) => {
      const ids = selection(sel);
      const { paths: _p, ...options } = { ...runOptions([]), allowedRoots: roots };
      const report = await engine.reprocess(ids, options, progressHook);
      failedChanged();
      return report;
    },

    'documents.list': async ({ offset, limit, q, mode }) => {
      const query = q?.trim();
      if (!query) return { rows: library.documents.list(offset, limit), total: library.documents.count() };
      const { rows, total } = await engine.searchDocuments(query, { mode, offset, limit });
      return { rows, total };
    },
    'library.embedding': () => engine.embedder.status(),
    'library.reembed': () => {
      void engine.embedder.reembed();
      return engine.embedder.status();
    },
    'documents.get': ({ id }) => {
      const doc = library.documents.get(id);
      if (!doc) throw new ApiError('not_found', `No document with id ${id}.`);
      return doc;
    },
    'documents.open': async ({ id, path, how }) => {
      const original = await originalOf(id, path);
      if (how === 'reveal') await opts.platform.showInFolder(original);
      else if (opts.platform.openPath) await opts.platform.openPath(original);
      else throw new ApiError('not_supported', 'Browser mode cannot open files on this computer’s desktop; use “Download original” to save a copy through the page.');
      return { path: original };
    },
    'documents.original': async ({ id, path }) => {
      const original = await originalOf(id, path);
      const doc = library.documents.get(id)!;
      const size = (await stat(original)).size;
      if (size > ORIGINAL_DOWNLOAD_MAX) {
        throw new ApiError('payload_too_large', `The original is ${formatMb(size)}; the browser download is limited to ${formatMb(ORIGINAL_DOWNLOAD_MAX)}. It is at ${original}.`);
      }
      const data = await readFile(original);
      return {
        path: original,
        filename: basename(original),
        mimeType: doc.mimeType || 'application/octet-stream',
        size: data.length,
        dataBase64: data.toString('base64'),
        changedSinceIngest: createHash('sha256').update(data).digest('hex') !== doc.fileHash,
      };
    },

    'db.tables': () => tables().list(),
    'db.rows': (input) => tables().rows(input.table, input),
    'db.insert': ({ table, values }) => {
      const id = tables().insert(table, values);
      afterTableWrite(table);
      return { id };
    },
    'db.update': ({ table, id, values }) => {
      const changed = tables().update(table, id, values);
      afterTableWrite(table);
      return { changed };
    },
    'db.delete': ({ table, id }) => {
      const changed = tables().delete(table, id);
      afterTableWrite(table);
      return { changed };
    },

    'settings.get': () => settings.get(),
    'settings.set': async (input) => {
      if (input.ocrLanguages) {
        const { installedLanguages, languageDir } = await ocr();
        const installed = installedLanguages(languageDir).map((l) => l.code);
        const unknown = input.ocrLanguages.filter((l) => !installed.includes(l));
        if (unknown.length) {
          throw new ApiError(
            'invalid_input',
            `OCR language${unknown.length > 1 ? 's' : ''} ${unknown.map((l) => `"${l}"`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not installed (installed: ${installed.join(', ')}). Add one with “Add a language file…”, or install the npm package @tesseract.js-data/<code>.`,
          );
        }
      }
      fingerprintCache = null;
      const saved = settings.update(input);
      engine.useAi(aiSettings());
      return saved;
    },
    'settings.testConnection': async () => {
      try {
        const result = await engine.provider(aiSettings()).testConnection();
        return { ...result, message: redactSecrets(result.message) };
      } catch (e) {
        return { ok: false, message: redactSecrets(e instanceof Error ? e.message : String(e)) };
      }
    },

    'settings.languages': async () => {
      const { installedLanguages, languageDir } = await ocr();
      return installedLanguages(languageDir);
    },
    'settings.addLanguage': async ({ path }) => {
      const { LANGUAGE_CODE, installedLanguages, languageDir } = await ocr();
      const file = LANGUAGE_SOURCES.some((d) => path.startsWith(d + sep)) ? normalize(path) : await grantedPath(path);
      const name = basename(file);
      const code = name.replace(/\.traineddata$/, '');
      if (!name.endsWith('.traineddata') || !LANGUAGE_CODE.test(code)) {
        throw new ApiError('invalid_input', `Choose a tesseract language file named like deu.traineddata (got "${name}").`);
      }
      const data = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new ApiError('not_found', `Cannot read "${file}": ${e.code ?? e.message}.`);
      });
      // A traineddata file starts with the count of its components (a small number), then their offsets.
      const components = data.length >= 8 ? data.readInt32LE(0) : -1;
      if (data.length < 1024 || data.length > 300 * 1024 * 1024 || components < 1 || components > 64) {
        throw new ApiError('invalid_input', `"${name}" is not a tesseract language file.`);
      }
      await mkdir(languageDir, { recursive: true, mode: 0o700 });
      await writeFile(join(languageDir, name), data, { mode: 0o600 });
      return installedLanguages(languageDir);
    },

    'shell.chooseFolder': () => opts.platform.chooseFolder(),
    'shell.showInFolder': async ({ path }) => {
      await opts.platform.showInFolder(await grantedPath(path));
      return null;
    },
    'shell.openExternal': async ({ url }) => {
      if (!isExternalLink(url)) throw new ApiError('invalid_input', 'Only http(s) and mailto links open outside the app.');
      await opts.platform.openExternal(url);
      return null;
    },
    'fs.list': async ({ path, hidden }) => {
      const dir = await grantedPath(path ?? homedir());
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        throw new ApiError('fs_error', `Cannot open "${dir}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const parent = dirname(dir);
      const parentAllowed = parent !== dir && (await grantedPath(parent).then(() => true, () => false));
      return {
        path: dir,
        parent: parentAllowed ? parent : null,
        entries: entries
          .filter((d) => hidden || !d.name.startsWith('.'))
          .map((d) => ({ name: d.name, path: join(dir, d.name), dir: d.isDirectory(), ...(d.name.startsWith('.') ? { hidden: true } : {}) }))
          .sort((a, b) => Number(b.dir) - Number(a.dir) || a.name.localeCompare(b.name))
          .slice(0, 5000),
        roots: await existingFolders(roots),
        recent: await recentFolders(),
      };
    },

    'watch.list': () => watcher.list(),
    'watch.add': async ({ path }) => {
      const abs = await existingPath(path);
      const isDir = await lstat(abs).then((st) => st.isDirectory(), () => false);
      if (!isDir) throw new ApiError('invalid_input', `"${path}" is a file; watch the folder it is in.`);
      library.watched.add(abs, nowSec());
      return afterWatchEdit();
    },
    'watch.pause': ({ id, paused }) => {
      watchedFolder(id);
      library.watched.setPaused(id, paused);
      return afterWatchEdit();
    },
    'watch.remove': ({ id }) => {
      watchedFolder(id);
      library.watched.remove(id);
      return afterWatchEdit();
    },
    'coverage.list': async ({ folder, limit, disk }) => coverageOf(library, await grantedPath(folder), { limit, disk }),
    'coverage.unsupported': async ({ folder, limit }) => unsupportedUnder(library, await grantedPath(folder), limit),
  };


  return {
    handlers,
    runOptions: (paths) => runOptions(paths),
    watchPaths: (paths, hooks) =>
      watchFolders(engine, library, { ...runOptions(paths), allowedRoots: roots }, { ...hooks, onRunStart: (run) => hooks.onRunStart?.(watchRun(run).id) }),
    async embedded() {
      await engine.embedder.idle();
      return engine.embedder.status();
    },
    embedding: () => engine.embedder.running,
    stopEmbedding: () => engine.embedder.close(),
    interrupt: () => {
      for (const run of engine.activeRuns()) run.cancel('interrupted');
    },
    receiveInbox: async (manifest, content) => {
      // zod and the contract load with browser mode's first upload, not at start (a CLI rerun never needs them).
      const [{ inboxManifestSchema }, { describeZodError }] = await Promise.all([import('../../shared/inbox-upload'), import('./dispatch')]);
      const parsed = inboxManifestSchema.safeParse(manifest);
      if (!parsed.success) throw new ApiError('invalid_input', `Upload manifest: ${describeZodError(parsed.error)}`);
      return inbox.save(parsed.data.files, content);
    },
    on(event, listener) {
      emitter.on(event, listener as (...a: unknown[]) => void);
      return () => emitter.off(event, listener as (...a: unknown[]) => void);
    },
    async close() {
      notices.stop();
      await watcher.close();
      emitter.removeAllListeners();
      await engine.close();
      library.close();
    },
  };
}

/** The real path of `p`, or of its deepest existing ancestor with the rest appended. */
async function realpathOfNearest(p: string): Promise<string> {
  let rest = '';
  let cur = p;
  for (;;) {
    try {
      const real = await realpath(cur);
      return rest ? join(real, rest) : real;
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return p;
      rest = rest ? join(basename(cur), rest) : basename(cur);
      cur = parent;
    }
  }
}

/** "Download original" sends the bytes as base64 in one JSON answer: bigger files are named, not sent. */
const ORIGINAL_DOWNLOAD_MAX = 50 * 1024 ** 2;
/** How many recent folders the folder picker offers. */
const RECENT_FOLDERS = 8;

function formatMb(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(0)} MB`;
}

function defaultRoots(): string[] {
  const extra = (process.env.INTAKE_ROOTS ?? '').split(':').filter(Boolean);
  return [homedir(), tmpdir(), ...extra];
}

/** Where the system's tesseract keeps its language files (Debian: tesseract-ocr-<lang>): readable for "Add a language file". */
const LANGUAGE_SOURCES = ['/usr/share/tesseract-ocr', '/usr/share/tessdata', '/usr/local/share/tessdata'];

