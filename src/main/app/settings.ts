import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { AiSettings, RunOptions, Settings } from '../../shared/domain';
import type { Db } from '../db/connection';
import { DEFAULT_AI } from '../engine/engine';
import type { SecretBox } from './service-api';

type StoredSettings = Omit<Settings, 'ai'> & { ai: Omit<AiSettings, 'apiKey'> };

export const DEFAULT_SETTINGS: StoredSettings = {
  ai: { ...DEFAULT_AI },
  ocrLanguages: ['eng'],
  concurrency: Math.max(2, Math.min(8, cpus().length * 2)),
  skipFailed: true,
  ocr: true,
  ocrPageCap: 50,
  ocrTimeoutMs: 120_000,
};

/**
 * App settings live in the library's `settings` table (so the app and browser
 * mode agree); the API key lives apart, encrypted by the platform's SecretBox,
 * and is never returned to the renderer.
 */
export class SettingsStore {
  private readonly keyFile: string;

  constructor(
    private readonly db: Db,
    dataDir: string,
    private readonly secrets: SecretBox,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.keyFile = join(dataDir, 'api-key.enc');
  }

  private stored(): StoredSettings {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get('app');
    if (!row) return structuredClone(DEFAULT_SETTINGS);
    try {
      const v = JSON.parse(row.value) as Partial<StoredSettings>;
      return { ...DEFAULT_SETTINGS, ...v, ai: { ...DEFAULT_SETTINGS.ai, ...(v.ai ?? {}) } };
    } catch {
      return structuredClone(DEFAULT_SETTINGS);
    }
  }

  /** What the renderer may see: everything but the key. */
  get(): Settings {
    const s = this.stored();
    return { ...s, ai: { ...s.ai, hasApiKey: existsSync(this.keyFile) } };
  }

  update(patch: Partial<Omit<StoredSettings, 'ai'>> & { ai?: Partial<StoredSettings['ai']>; apiKey?: string }): Settings {
    const cur = this.stored();
    const { apiKey, ai, ...rest } = patch;
    const next: StoredSettings = { ...cur, ...rest, ai: { ...cur.ai, ...(ai ?? {}) } };
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run('app', JSON.stringify(next));
    if (apiKey !== undefined) {
      if (apiKey === '') rmSync(this.keyFile, { force: true });
      else writeFileSync(this.keyFile, this.secrets.encrypt(apiKey), { mode: 0o600 });
    }
    return this.get();
  }

  /** The full AI settings with the decrypted key: main process only. */
  aiWithKey(): AiSettings {
    const s = this.stored();
    let apiKey: string | undefined;
    if (existsSync(this.keyFile)) {
      try {
        apiKey = this.secrets.decrypt(readFileSync(this.keyFile));
      } catch {
        apiKey = undefined;
      }
    }
    return { ...s.ai, apiKey: apiKey ?? process.env.OPENAI_API_KEY ?? (s.ai.provider === 'openai' ? 'not-needed' : undefined) };
  }

  runOptions(paths: string[], overrides: Partial<Pick<RunOptions, 'skipFailed' | 'ocr' | 'concurrency'>> = {}): RunOptions {
    const s = this.stored();
    return {
      paths,
      skipFailed: overrides.skipFailed ?? s.skipFailed,
      ocr: overrides.ocr ?? s.ocr,
      concurrency: overrides.concurrency ?? s.concurrency,
      ocrLanguages: s.ocrLanguages,
      ocrPageCap: s.ocrPageCap,
      ocrTimeoutMs: s.ocrTimeoutMs,
      ai: this.aiWithKey(),
    };
  }
}
