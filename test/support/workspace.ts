import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Engine, defaultRunOptions, type EngineOptions } from '../../src/main/engine/engine';
import { Library } from '../../src/main/engine/library';
import type { RunOptions } from '../../src/shared/domain';

/**
 * A temp folder with a documents tree, a data dir and a library file, torn
 * down by close(). Tests build their corpus in it with real files.
 */
export class Workspace {
  readonly root: string;
  readonly docs: string;
  readonly dataDir: string;
  readonly dbPath: string;
  private engines: Engine[] = [];
  /** The library each engine works on, opened here: tests look inside it, the engine does not lend it. */
  private libraries = new Map<Engine | null, Library>();

  constructor(prefix = 'intake-test-') {
    this.root = mkdtempSync(join(tmpdir(), prefix));
    this.docs = join(this.root, 'docs');
    this.dataDir = join(this.root, 'data');
    this.dbPath = join(this.dataDir, 'intake.db');
    mkdirSync(this.docs, { recursive: true });
  }

  /** Writes a file under docs/ and returns its absolute path. */
  write(rel: string, content: string | Buffer | Uint8Array): string {
    const p = join(this.docs, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  }

  engine(opts: Partial<EngineOptions> = {}): Engine {
    const given = opts.library ?? this.dbPath;
    const library = typeof given === 'string' ? Library.open(given, { readonly: opts.readonly }) : given;
    const e = new Engine({ dataDir: this.dataDir, extractorOptions: { workers: 1 }, ...opts, library });
    this.engines.push(e);
    if (typeof given === 'string') this.libraries.set(e, library);
    return e;
  }

  /**
   * The library `engine` works on, or (no engine named) one opened on this workspace's library
   * file: for looking at rows the way the service's handlers do.
   */
  library(engine?: Engine): Library {
    const known = this.libraries.get(engine ?? null);
    if (known) return known;
    if (engine) throw new Error('this engine was given its library by the test: use that one');
    const library = Library.open(this.dbPath);
    this.libraries.set(null, library);
    return library;
  }

  options(overrides: Partial<RunOptions> = {}): RunOptions {
    return defaultRunOptions([this.docs], { concurrency: 4, ...overrides });
  }

  async close(): Promise<void> {
    for (const e of this.engines) await e.close().catch(() => undefined);
    this.engines = [];
    for (const l of this.libraries.values()) {
      try {
        l.close();
      } catch {
        // already closed by the test
      }
    }
    this.libraries.clear();
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A letter with enough real words to pass the text-quality check. */
export function letter(subject: string, extra = ''): string {
  return `${subject}\n\nDear Ms Example,\n\nThank you for your letter of 12 March 2024. We confirm that the matter of ${subject.toLowerCase()} has been settled and nothing further is required from you.\n\n${extra}\n\nKind regards,\nThe Example Company Ltd\n`;
}

export const INVOICE = `Invoice INV-2024-0042\nDate: 2024-03-15\nFrom: ACME Supplies GmbH\n\nInvoice for office supplies: paper, toner and pens.\nTotal amount due: EUR 149.90 within 30 days.\n`;
