import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createWorker, OEM, type Worker as TessWorker } from 'tesseract.js';
import { IntakeError, errorMessage } from '../../shared/errors';

/**
 * Which traineddata of the @tesseract.js-data packages to load. Measured on
 * 2 cores: `4.0.0_best_int` reads as well as `4.0.0` on printed pages at about
 * the same speed (≈2.7 s per A4 page at 200 dpi) with ~90 MB less memory per worker.
 */
export const TRAINEDDATA_VARIANT = '4.0.0_best_int';

export interface LanguageData {
  code: string;
  /** Folder holding `<code>.traineddata.gz`. */
  dir: string;
  /** A plain `<code>.traineddata` the user added (Settings → Add a language file). */
  file?: string;
}

/** Where languages the user adds as `.traineddata` files are kept: beside the OCR cache, in the data folder. */
export function userLanguageDir(cachePath: string): string {
  return join(dirname(cachePath), 'ocr-languages');
}

/** A language code as tesseract names its data: eng, deu, chi_sim… */
export const LANGUAGE_CODE = /^[a-z]{3}(_[a-z]{2,8})?$/i;

/** Every OCR language this installation can read: @tesseract.js-data packages and added files. */
export function installedLanguages(userDir?: string): { code: string; source: 'package' | 'file' }[] {
  const out = new Map<string, 'package' | 'file'>();
  try {
    const require = createRequire(import.meta.url);
    const scope = dirname(dirname(require.resolve('@tesseract.js-data/eng/package.json')));
    for (const name of readdirSync(scope)) {
      // `osd` is tesseract's orientation model, not a language.
      if (name !== 'osd' && LANGUAGE_CODE.test(name) && tryResolve(name)) out.set(name, 'package');
    }
  } catch {
    // no language package at all
  }
  if (userDir && existsSync(userDir)) {
    for (const f of readdirSync(userDir)) {
      const code = f.replace(/\.traineddata$/, '');
      if (f.endsWith('.traineddata') && LANGUAGE_CODE.test(code)) out.set(code, 'file');
    }
  }
  return [...out.entries()].map(([code, source]) => ({ code, source })).sort((a, b) => a.code.localeCompare(b.code));
}

function tryResolve(code: string): boolean {
  try {
    resolveLanguages([code]);
    return true;
  } catch {
    return false;
  }
}

/** Finds each language's data on disk; a missing package is a configuration error. */
export function resolveLanguages(languages: string[], variant = TRAINEDDATA_VARIANT, userDir?: string): LanguageData[] {
  if (!languages.length) throw new IntakeError('ocr_language_missing', 'no OCR language configured');
  const require = createRequire(import.meta.url);
  return languages.map((code) => {
    if (!/^[a-z_]{2,16}$/i.test(code)) {
      throw new IntakeError('ocr_language_missing', `OCR language "${code}" is not installed`, { message: `"${code}" is not a language code.` });
    }
    const added = userDir ? join(userDir, `${code}.traineddata`) : null;
    if (added && existsSync(added)) return { code, dir: userDir!, file: added };
    let root: string;
    try {
      root = dirname(require.resolve(`@tesseract.js-data/${code}/package.json`));
    } catch (e) {
      throw new IntakeError('ocr_language_missing', `OCR language "${code}" is not installed`, {
        message: `The package @tesseract.js-data/${code} is not installed.`,
        cause: e,
      });
    }
    const dir = [join(root, variant), join(root, '4.0.0_best_int'), join(root, '4.0.0')].find((d) => existsSync(join(d, `${code}.traineddata.gz`)));
    if (!dir) {
      throw new IntakeError('ocr_language_missing', `OCR language "${code}" is not installed`, {
        message: `@tesseract.js-data/${code} has no ${code}.traineddata.gz.`,
      });
    }
    return { code, dir };
  });
}

export interface OcrText {
  text: string;
  /** Mean word confidence, 0–100. */
  confidence: number;
}

/** What tesseract's orientation detection says: the clockwise turn that makes the page upright. */
export interface Orientation {
  degrees: 0 | 90 | 180 | 270;
  confidence: number;
}

export interface OcrEngineOptions {
  languages: string[];
  /** Tesseract keeps unpacked traineddata here. */
  cachePath: string;
  /** Parallel tesseract workers (worker threads). */
  size: number;
}

interface Slot {
  worker: Promise<TessWorker> | null;
  busy: boolean;
  /** Rejects the job in flight when the worker thread dies under it. */
  failJob: ((e: IntakeError) => void) | null;
}

/**
 * A small pool of tesseract.js workers, created on first use. A job that runs
 * past its deadline terminates its worker (the only way to stop wasm mid-page);
 * the slot starts a fresh one next time.
 */
export class OcrEngine {
  private readonly langs: LanguageData[];
  private readonly slots: Slot[];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  /** When each job in `waiting` began to wait (epoch ms), in the same order. */
  private readonly waitingSince: number[] = [];
  private readonly cacheDir: string;
  private closed = false;
  private osdWorker: Promise<TessWorker> | null = null;
  /** OSD calls go one at a time through its one worker. */
  private osdQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: OcrEngineOptions) {
    this.langs = resolveLanguages(opts.languages, TRAINEDDATA_VARIANT, userLanguageDir(opts.cachePath));
    this.slots = Array.from({ length: Math.max(1, opts.size) }, () => ({ worker: null, busy: false, failJob: null }));
    // One cache folder per data variant: tesseract names the cached file by language only.
    this.cacheDir = join(opts.cachePath, TRAINEDDATA_VARIANT);
  }

  /**
   * Orientation of a page by tesseract's OSD model (@tesseract.js-data/osd, from disk), in a worker of its own
   * with the legacy engine; started on first use — most runs never need it. Null when OSD finds too little to judge.
   */
  async detectOrientation(image: Uint8Array, deadline: number): Promise<Orientation | null> {
    const turn = this.osdQueue.then(async () => {
      this.osdWorker ??= this.startOsdWorker().catch((e: unknown) => {
        this.osdWorker = null;
        throw e;
      });
      const worker = await this.osdWorker;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timeoutError();
      let timer: NodeJS.Timeout | undefined;
      const stopped = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const w = this.osdWorker;
          this.osdWorker = null;
          void w?.then((x) => x.terminate()).catch(() => undefined);
          reject(timeoutError());
        }, remaining);
      });
      try {
        const { data } = await Promise.race([worker.detect(Buffer.from(image.buffer, image.byteOffset, image.byteLength)), stopped]);
        const degrees = data.orientation_degrees;
        if (degrees !== 0 && degrees !== 90 && degrees !== 180 && degrees !== 270) return null;
        return { degrees: degrees as Orientation['degrees'], confidence: data.orientation_confidence ?? 0 };
      } catch (e) {
        throw ocrError(e);
      } finally {
        clearTimeout(timer);
      }
    });
    this.osdQueue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * One file's OCR: its clock of `timeoutMs` runs from now, except while it waits for a tesseract
   * thread (another file's page may hold both); its first recognition takes a thread and keeps it
   * until `release()`. `onWait` hears when it starts and stops waiting (the parent pauses its own
   * kill timer meanwhile).
   */
  job(timeoutMs: number, onWait?: (waiting: boolean) => void): OcrJob {
    return new OcrJob(this, Date.now() + timeoutMs, onWait);
  }

  /** A thread for a job: at once when one is free; `waited` says how long it took. */
  async take(onWait?: (waiting: boolean) => void): Promise<{ slot: Slot; waited: number }> {
    if (this.closed) throw new IntakeError('ocr_failed', 'OCR engine closed');
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return { slot: free, waited: 0 };
    }
    const t0 = Date.now();
    onWait?.(true);
    this.waitingSince.push(t0);
    const slot = await new Promise<Slot>((resolve) => this.waiting.push(resolve));
    onWait?.(false);
    return { slot, waited: Date.now() - t0 };
  }

  /** Recognizes one encoded image (PNG, JPEG, PGM …) on the job's thread; rejects with `ocr_timeout` at `deadline` (epoch ms). `rotateRadians` turns it first. */
  async recognizeOn(slot: Slot, image: Uint8Array, deadline: number, rotateRadians = 0): Promise<OcrText> {
    const worker = await this.workerOf(slot);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeoutError();
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<never>((_, reject) => {
      slot.failJob = reject;
      timer = setTimeout(() => {
        void this.discard(slot);
        reject(timeoutError());
      }, remaining);
    });
    try {
      const { data } = await Promise.race([worker.recognize(Buffer.from(image.buffer, image.byteOffset, image.byteLength), rotateRadians ? { rotateRadians } : {}), stopped]);
      return { text: data.text ?? '', confidence: typeof data.confidence === 'number' ? data.confidence : 0 };
    } catch (e) {
      throw ocrError(e);
    } finally {
      clearTimeout(timer);
      slot.failJob = null;
    }
  }

  /** Recognizes one image as a job of its own (tests, tools): a thread taken, used and given back. */
  async recognize(image: Uint8Array, deadline: number, rotateRadians = 0): Promise<OcrText> {
    const job = new OcrJob(this, deadline);
    try {
      return await job.recognize(image, rotateRadians);
    } finally {
      job.release();
    }
  }

  /** How long the job first in line has waited for a thread, ms; null when none waits. */
  longestWait(): number | null {
    return this.waitingSince.length ? Date.now() - this.waitingSince[0] : null;
  }

  release(slot: Slot): void {
    this.waitingSince.shift();
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  async close(): Promise<void> {
    this.closed = true;
    const osd = this.osdWorker;
    this.osdWorker = null;
    await Promise.all([...this.slots.map((s) => this.discard(s)), osd?.then((w) => w.terminate()).catch(() => undefined)]);
  }

  private async startOsdWorker(): Promise<TessWorker> {
    mkdirSync(this.cacheDir, { recursive: true, mode: 0o700 });
    const osd = resolveOsd();
    await unpackLanguage(osd, this.cacheDir);
    return createWorker('osd', OEM.TESSERACT_ONLY, {
      legacyCore: true,
      legacyLang: true,
      gzip: true,
      cachePath: this.cacheDir,
      cacheMethod: 'readOnly',
      langPath: osd.dir,
      // Without an errorHandler tesseract.js throws from its message listener and takes the process down.
      errorHandler: () => undefined,
    });
  }

  private workerOf(slot: Slot): Promise<TessWorker> {
    slot.worker ??= this.startWorker(slot).catch((e: unknown) => {
      slot.worker = null;
      throw e;
    });
    return slot.worker;
  }

  private async startWorker(slot: Slot): Promise<TessWorker> {
    mkdirSync(this.cacheDir, { recursive: true, mode: 0o700 });
    // tesseract.js reads `<cachePath>/<code>.traineddata` first; we unpack each package's .gz
    // there ourselves, so several languages from different packages load without any download.
    await Promise.all(this.langs.map((l) => unpackLanguage(l, this.cacheDir)));
    const worker = await createWorker(
      this.langs.map((l) => l.code),
      OEM.LSTM_ONLY,
      {
        gzip: true,
        cachePath: this.cacheDir,
        cacheMethod: 'readOnly',
        langPath: this.langs[0].dir,
        // Without an errorHandler tesseract.js throws from its message listener and takes the process down.
        errorHandler: () => undefined,
      },
    );
    // A wasm abort kills the worker thread: fail the job in flight and start afresh next time.
    const thread = (worker as unknown as { worker?: NodeJS.EventEmitter }).worker;
    thread?.on('error', (e: unknown) => {
      slot.worker = null;
      slot.failJob?.(ocrError(e));
    });
    return worker;
  }

  private async discard(slot: Slot): Promise<void> {
    const w = slot.worker;
    slot.worker = null;
    if (!w) return;
    await w.then((x) => x.terminate()).catch(() => undefined);
  }
}

/**
 * One file's use of the OCR engine: a deadline that does not run while the file waits for a
 * tesseract thread, and the thread it holds from its first recognition to `release()`.
 */
export class OcrJob {
  private slot: Slot | null = null;
  private taking: Promise<Slot> | null = null;
  private released = false;

  constructor(
    private readonly engine: OcrEngine,
    /** Epoch ms at which the file's OCR stops with `ocr_timeout`; moved on by every wait for a thread. */
    public deadline: number,
    private readonly onWait?: (waiting: boolean) => void,
  ) {}

  /** Past the deadline: throws `ocr_timeout` (checked between pages). */
  check(message?: string): void {
    if (Date.now() >= this.deadline) throw new IntakeError('ocr_timeout', 'OCR timed out', message ? { message } : undefined);
  }

  async recognize(image: Uint8Array, rotateRadians = 0): Promise<OcrText> {
    return this.engine.recognizeOn(await this.thread(), image, this.deadline, rotateRadians);
  }

  detectOrientation(image: Uint8Array): Promise<Orientation | null> {
    return this.engine.detectOrientation(image, this.deadline);
  }

  /** Takes a thread without reading anything (tests: a thread kept busy). */
  async hold(): Promise<void> {
    await this.thread();
  }

  release(): void {
    this.released = true;
    const slot = this.slot;
    this.slot = null;
    // A thread still being waited for is handed back as soon as it comes (see thread()).
    if (slot) this.engine.release(slot);
  }

  private thread(): Promise<Slot> {
    if (this.released) return Promise.reject(new IntakeError('ocr_failed', 'OCR job already ended'));
    if (this.slot) return Promise.resolve(this.slot);
    this.taking ??= this.engine.take(this.onWait).then(({ slot, waited }) => {
      // The wait for a thread is not the file's time.
      this.deadline += waited;
      if (this.released) {
        this.engine.release(slot);
        throw new IntakeError('ocr_failed', 'OCR job already ended');
      }
      this.slot = slot;
      return slot;
    });
    return this.taking;
  }
}

/** Unpacks in flight in this process, by target: two tesseract threads starting together share one. */
const unpacking = new Map<string, Promise<void>>();

/**
 * Unpacks `<code>.traineddata.gz` into the cache once (atomically: concurrent children may race,
 * and so may two threads of one process — they wait for the same unpack).
 */
function unpackLanguage(lang: LanguageData, cacheDir: string): Promise<void> {
  const target = join(cacheDir, `${lang.code}.traineddata`);
  const running = unpacking.get(target);
  if (running) return running;
  const job = (async () => {
    if (existsSync(target) && !lang.file) return;
    const data = lang.file ? await readFile(lang.file) : gunzipSync(await readFile(join(lang.dir, `${lang.code}.traineddata.gz`)));
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, target);
  })().finally(() => unpacking.delete(target));
  unpacking.set(target, job);
  return job;
}

/** The orientation model on disk; missing, it is a configuration error like a missing language. */
function resolveOsd(): LanguageData {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('@tesseract.js-data/osd/package.json'));
    return { code: 'osd', dir: join(root, '4.0.0') };
  } catch (e) {
    throw new IntakeError('ocr_language_missing', 'OCR orientation data is not installed', { message: 'The package @tesseract.js-data/osd is not installed.', cause: e });
  }
}

function timeoutError(): IntakeError {
  return new IntakeError('ocr_timeout', 'OCR timed out');
}

/** Tesseract reports failures as strings; map them to codes. */
function ocrError(e: unknown): IntakeError {
  if (e instanceof IntakeError) return e;
  const msg = errorMessage(e);
  if (/read image|pix not read|no pix/i.test(msg)) return new IntakeError('image_corrupt', 'image is damaged or not a supported image', { message: msg });
  if (/OOM|out of memory|Cannot enlarge memory|Aborted\(/i.test(msg)) {
    return new IntakeError('extractor_oom', 'extractor ran out of memory', { message: msg });
  }
  return new IntakeError('ocr_failed', 'OCR failed', { message: msg, cause: e });
}
