import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Engine, defaultRunOptions } from '../../src/main/engine/engine';
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

  engine(opts: Partial<ConstructorParameters<typeof Engine>[0]> = {}): Engine {
    const e = new Engine({ library: this.dbPath, dataDir: this.dataDir, extractorOptions: { workers: 1 }, ...opts });
    this.engines.push(e);
    return e;
  }

  options(overrides: Partial<RunOptions> = {}): RunOptions {
    return defaultRunOptions([this.docs], { concurrency: 4, ...overrides });
  }

  async close(): Promise<void> {
    for (const e of this.engines) await e.close().catch(() => undefined);
    this.engines = [];
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A letter with enough real words to pass the text-quality check. */
export function letter(subject: string, extra = ''): string {
  return `${subject}\n\nDear Ms Example,\n\nThank you for your letter of 12 March 2024. We confirm that the matter of ${subject.toLowerCase()} has been settled and nothing further is required from you.\n\n${extra}\n\nKind regards,\nThe Example Company Ltd\n`;
}

export const INVOICE = `Invoice INV-2024-0042\nDate: 2024-03-15\nFrom: ACME Supplies GmbH\n\nInvoice for office supplies: paper, toner and pens.\nTotal amount due: EUR 149.90 within 30 days.\n`;
