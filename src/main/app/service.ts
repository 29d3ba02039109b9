/**
 * The engine API behind every channel of the contract. Electron's ipcMain, the
 * browser-mode web bridge and the tests all call these same handlers; they stay
 * thin: validation happens in dispatch (zod), logic lives in the engine.
 */
import { EventEmitter } from 'node:events';
import { lstat, mkdir, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, parse as parsePath, resolve, sep } from 'node:path';
import type { EventName, Events, Handlers } from '../../shared/contract';
import type { FailedFilter, RunProgress } from '../../shared/domain';
import { IntakeError } from '../../shared/errors';
import { TableBrowser, TableBrowserError } from '../db/table-browser';
import { Engine } from '../engine/engine';
import type { Run } from '../engine/run';
import { SettingsStore } from './settings';
import type { IntakeService, ServiceOptions } from './service-api';

/** An error the adapters turn into {ok:false, error:{code, message}}. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CreateServiceOptions extends ServiceOptions {
  /** Folders the renderer may read and ingest from (default: home and temp; Electron: everything). */
  allowedRoots?: string[];
  /** Engine overrides for tests (AI provider factory, extractor options). */
  engine?: Partial<ConstructorParameters<typeof Engine>[0]>;
}

export async function createIntakeService(opts: CreateServiceOptions): Promise<IntakeService> {
  await mkdir(opts.dataDir, { recursive: true });
  const engine = new Engine({ library: opts.dbPath, dataDir: opts.dataDir, ...opts.engine });
  const settings = new SettingsStore(engine.library.db, opts.dataDir, opts.platform.secrets);
  const tables = new TableBrowser(engine.library.db);
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const roots = await Promise.all(
    (opts.allowedRoots ?? (opts.platform.mode === 'electron' ? [parsePath(process.cwd()).root] : defaultRoots())).map((r) =>
      realpath(r).catch(() => resolve(r)),
    ),
  );

  const emit = <E extends EventName>(event: E, payload: Events[E]) => emitter.emit(event, payload);
  // Searches and the background embedder follow the saved settings; chunks left pending by a
  // kill (or by the CLI) are embedded now.
  engine.useAi(settings.aiWithKey());
  engine.onEmbedProgress = (s) => emit('embed.progress', s);
  engine.embedder.kick();
  const failedChanged = () => emit('failed.changed', { count: engine.library.failed.count() });
  // Today's settings as a fingerprint, for "eligible for retry". Every failed-files page needs it,
  // so it is computed once and again only after the settings change (key file read, provider built).
  let fingerprintCache: Record<string, unknown> | null = null;
  const currentFingerprint = () => (fingerprintCache ??= engine.fingerprint(settings.runOptions([])));
  /** After the Database screen wrote a row: the failed count or the settings may have changed. */
  const afterTableWrite = (table: string) => {
    if (table === 'settings') {
      fingerprintCache = null;
      engine.useAi(settings.aiWithKey());
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
    if (!isAbsolute(p)) throw new ServiceError('path_not_allowed', `Use an absolute path: "${p}" is relative.`);
    const abs = normalize(p);
    const real = await realpathOfNearest(abs);
    const inside = roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
    if (!inside) throw new ServiceError('path_not_allowed', `"${p}" is outside the folders Intake may read (${roots.join(', ')}).`);
    return abs;
  };

  /** A granted path that exists: a run over a typo would only record it as a vanished file. */
  const existingPath = async (p: string): Promise<string> => {
    const abs = await grantedPath(p);
    const found = await lstat(abs).then(() => true, () => false);
    if (!found) throw new ServiceError('not_found', `No such file or folder: "${p}".`);
    return abs;
  };

  const watchRun = (run: Run) => {
    void run.finished.then((summary) => {
      emit('run.finished', summary);
      failedChanged();
    });
    return run;
  };
  const progressHook = { onProgress: (p: RunProgress) => emit('run.progress', p) };

  const runOf = (id: number): Run => {
    const run = engine.getRun(id);
    if (!run) throw new ServiceError('run_not_found', `Run ${id} is not running.`);
    return run;
  };

  const selection = (sel: { ids: number[] } | { filter: FailedFilter; all: true }) => engine.resolveSelection(sel, currentFingerprint());

  const tableCall = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof TableBrowserError) throw new ServiceError(e.code, e.message);
      throw e;
    }
  };

  const handlers: Handlers = {
    'app.info': () => ({
      mode: opts.platform.mode,
      version: opts.version ?? '0.1.0',
      dbPath: opts.dbPath,
      dataDir: opts.dataDir,
      platform: process.platform,
    }),

    'ingest.preflight': async ({ paths }) => engine.preflight(await Promise.all(paths.map(existingPath))),

    'ingest.start': async (input) => {
      const paths = await Promise.all(input.paths.map(existingPath));
      // Files reached through links must stay inside the granted roots too.
      const options = { ...settings.runOptions(paths, { skipFailed: input.skipFailed, ocr: input.ocr, concurrency: input.concurrency }), allowedRoots: roots };
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
    'ingest.inbox': async ({ files }) => {
      const folder = join(opts.dataDir, 'inbox', new Date().toISOString().replace(/[:.]/g, '-'));
      for (const f of files) {
        const rel = normalize(f.relativePath).replace(/^([/\\])+/, '');
        if (rel.split(/[/\\]/).some((seg) => seg === '..' || seg === '' || Buffer.byteLength(seg) > 255) || rel.includes('\0') || isAbsolute(rel)) {
          throw new ServiceError('invalid_input', `Refused file name "${f.relativePath.slice(0, 300)}".`);
        }
      }
      // Written into a staging folder that becomes the inbox folder only when every file is in: all or nothing.
      const staging = `${folder}.partial`;
      try {
        for (const f of files) {
          const target = join(staging, normalize(f.relativePath).replace(/^([/\\])+/, ''));
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, Buffer.from(f.dataBase64, 'base64'));
        }
        await rename(staging, folder);
      } catch (e) {
        await rm(staging, { recursive: true, force: true });
        throw new ServiceError('fs_error', `The dropped files could not be saved: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      return { folder, files: files.length };
    },
    'runs.list': ({ limit }) => engine.library.runs.list(limit),

    'failed.list': (input) => engine.library.failed.page(input, currentFingerprint()),
    'failed.count': () => engine.library.failed.count(),
    'failed.get': ({ id }) => {
      const row = engine.library.failed.get(id, currentFingerprint());
      if (!row) throw new ServiceError('not_found', `No failed file with id ${id} (it may have been reset or ingested).`);
      return { ...row, events: engine.library.failed.events(row.fileHash, row.filePath) };
    },
    'failed.groups': ({ filter }) => engine.library.failed.groups(filter, currentFingerprint()),
    'failed.reset': (sel) => {
      const removed = engine.reset(selection(sel));
      failedChanged();
      return { reset: removed.length };
    },
    'failed.estimate': (sel) => engine.estimate(selection(sel), settings.aiWithKey()),
    'failed.reprocess': async (sel) => {
      const ids = selection(sel);
      const { paths: _p, ...options } = { ...settings.runOptions([]), allowedRoots: roots };
      const report = await engine.reprocess(ids, options, progressHook);
      failedChanged();
      return report;
    },

    'documents.list': async ({ offset, limit, q, mode }) => {
      const query = q?.trim();
      if (!query) return { rows: engine.library.documents.list(offset, limit), total: engine.library.documents.count() };
      const { rows, total } = await engine.searchDocuments(query, { mode, offset, limit });
      return { rows, total };
    },
    'library.embedding': () => engine.embedder.status(),
    'library.reembed': () => {
      void engine.embedder.reembed();
      return engine.embedder.status();
    },
    'documents.get': ({ id }) => {
      const doc = engine.library.documents.get(id);
      if (!doc) throw new ServiceError('not_found', `No document with id ${id}.`);
      return doc;
    },

    'db.tables': () => tables.list(),
    'db.rows': (input) => tableCall(() => tables.rows(input.table, input)),
    'db.insert': ({ table, values }) => {
      const id = tableCall(() => tables.insert(table, values));
      afterTableWrite(table);
      return { id };
    },
    'db.update': ({ table, id, values }) => {
      const changed = tableCall(() => tables.update(table, id, values));
      afterTableWrite(table);
      return { changed };
    },
    'db.delete': ({ table, id }) => {
      const changed = tableCall(() => tables.delete(table, id));
      afterTableWrite(table);
      return { changed };
    },

    'settings.get': () => settings.get(),
    'settings.set': (input) => {
      fingerprintCache = null;
      const saved = settings.update(input);
      engine.useAi(settings.aiWithKey());
      return saved;
    },
    'settings.testConnection': async () => {
      try {
        return await engine.provider(settings.aiWithKey()).testConnection();
      } catch (e) {
        return { ok: false, message: e instanceof Error ? e.message : String(e) };
      }
    },

    'shell.chooseFolder': () => opts.platform.chooseFolder(),
    'shell.showInFolder': async ({ path }) => {
      await opts.platform.showInFolder(await grantedPath(path));
      return null;
    },
    'shell.openExternal': async ({ url }) => {
      if (!/^https?:\/\//i.test(url)) throw new ServiceError('invalid_input', 'Only http(s) links open outside the app.');
      await opts.platform.openExternal(url);
      return null;
    },
    'fs.list': async ({ path }) => {
      const dir = await grantedPath(path ?? homedir());
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        throw new ServiceError('fs_error', `Cannot open "${dir}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const parent = dirname(dir);
      const parentAllowed = parent !== dir && (await grantedPath(parent).then(() => true, () => false));
      return {
        path: dir,
        parent: parentAllowed ? parent : null,
        entries: entries
          .filter((d) => !d.name.startsWith('.'))
          .map((d) => ({ name: d.name, path: join(dir, d.name), dir: d.isDirectory() }))
          .sort((a, b) => Number(b.dir) - Number(a.dir) || a.name.localeCompare(b.name))
          .slice(0, 5000),
      };
    },
  };

  return {
    handlers,
    on(event, listener) {
      emitter.on(event, listener as (...a: unknown[]) => void);
      return () => emitter.off(event, listener as (...a: unknown[]) => void);
    },
    async close() {
      emitter.removeAllListeners();
      await engine.close();
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

function defaultRoots(): string[] {
  const extra = (process.env.INTAKE_ROOTS ?? '').split(':').filter(Boolean);
  return [homedir(), tmpdir(), ...extra];
}

export { IntakeError };
