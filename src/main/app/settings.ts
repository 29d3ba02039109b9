import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { AiSettings, RunOptions, Settings } from '../../shared/domain';
import type { Db } from '../db/connection';
import { DEFAULT_AI, DEFAULT_RUN_SETTINGS, defaultConcurrency } from '../../shared/limits';
import { decodeBoundKey, encodeBoundKey, keyFor, originOf } from './api-key';
import { STORED_AI_CHECKS, STORED_FIELD_CHECKS } from './stored-settings-check';
import type { SecretBox } from './service-api';

type StoredSettings = Omit<Settings, 'ai'> & { ai: Omit<AiSettings, 'apiKey'> };

export const DEFAULT_SETTINGS: StoredSettings = {
  ...DEFAULT_RUN_SETTINGS,
  ai: { ...DEFAULT_AI },
  ocrLanguages: [...DEFAULT_RUN_SETTINGS.ocrLanguages],
  concurrency: defaultConcurrency(cpus().length),
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
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.keyFile = join(dataDir, 'api-key.enc');
    this.bindLegacyKey();
  }

  /** A key saved before keys were bound: bound now, at start, to the base URL it was saved beside. */
  private bindLegacyKey(): void {
    const saved = this.savedKey();
    if (!saved || saved.origin !== null) return;
    const origin = originOf(this.stored().ai.baseUrl);
    if (origin) this.writeKey(origin, saved.key);
    else rmSync(this.keyFile, { force: true });
  }

  private savedKey(): { origin: string | null; key: string } | undefined {
    if (!existsSync(this.keyFile)) return undefined;
    try {
      return decodeBoundKey(this.secrets.decrypt(readFileSync(this.keyFile)));
    } catch {
      return undefined;
    }
  }

  private writeKey(origin: string, key: string): void {
    writeFileSync(this.keyFile, this.secrets.encrypt(encodeBoundKey({ origin, key })), { mode: 0o600 });
  }

  private stored(): StoredSettings {
    return this.load().settings;
  }

  /**
   * The saved settings, each field checked as Settings' own Save checks it: a row edited by hand
   * (sqlite3, an older build) loads with defaults for the bad fields, and says which.
   */
  private load(): { settings: StoredSettings; invalid: string[] } {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get('app');
    if (!row) return { settings: structuredClone(DEFAULT_SETTINGS), invalid: [] };
    let raw: Record<string, unknown>;
    try {
      const parsed = JSON.parse(row.value) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      raw = parsed as Record<string, unknown>;
    } catch {
      return { settings: structuredClone(DEFAULT_SETTINGS), invalid: ['all (the saved value is not JSON)'] };
    }
    const invalid: string[] = [];
    const settings = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, unknown> & { ai: Record<string, unknown> };
    // Checked by hand as settingsInputSchema checks each field (stored-settings-check.ts: zod stays out of start-up).
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof StoredSettings)[]) {
      if (key === 'ai' || raw[key] === undefined) continue;
      if (Object.hasOwn(STORED_FIELD_CHECKS, key) && STORED_FIELD_CHECKS[key](raw[key])) settings[key] = raw[key];
      else invalid.push(key);
    }
    const ai = raw.ai && typeof raw.ai === 'object' ? (raw.ai as Record<string, unknown>) : {};
    for (const key of Object.keys(DEFAULT_SETTINGS.ai)) {
      if (ai[key] === undefined) continue;
      if (Object.hasOwn(STORED_AI_CHECKS, key) && STORED_AI_CHECKS[key](ai[key])) settings.ai[key] = ai[key];
      else invalid.push(`ai.${key}`);
    }
    return { settings: settings as unknown as StoredSettings, invalid };
  }

  /** What the renderer may see: everything but the key (and "has a key" only when it is usable for this base URL). */
  get(): Settings {
    const { settings: s, invalid } = this.load();
    const saved = this.savedKey();
    return { ...s, ai: { ...s.ai, hasApiKey: saved !== undefined && saved.origin === originOf(s.ai.baseUrl) }, ...(invalid.length ? { invalidStored: invalid } : {}) };
  }

  update(patch: Partial<Omit<StoredSettings, 'ai'>> & { ai?: Partial<StoredSettings['ai']>; apiKey?: string }): Settings {
    const cur = this.stored();
    const { apiKey, ai, ...rest } = patch;
    const next: StoredSettings = { ...cur, ...rest, ai: { ...cur.ai, ...(ai ?? {}) } };
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run('app', JSON.stringify(next));
    const origin = originOf(next.ai.baseUrl);
    if (apiKey !== undefined) {
      if (apiKey === '' || !origin) rmSync(this.keyFile, { force: true });
      else this.writeKey(origin, apiKey);
    } else if (originOf(cur.ai.baseUrl) !== origin) {
      // Another server: the key saved for the old one is forgotten, to be entered again for the new one.
      rmSync(this.keyFile, { force: true });
    }
    return this.get();
  }

  /**
   * The full AI settings with the decrypted key: main process only. A base URL given by the
   * caller (a CLI flag) may receive OPENAI_API_KEY; a saved key goes only to its own origin.
   */
  aiWithKey(override: AiOverrides = {}): AiSettings {
    const ai = { ...this.stored().ai, ...definedOnly(override) };
    const apiKey = keyFor({ saved: this.savedKey(), envKey: process.env.OPENAI_API_KEY, baseUrl: ai.baseUrl, baseUrlFromCaller: override.baseUrl !== undefined });
    return { ...ai, apiKey: apiKey ?? (ai.provider === 'openai' ? 'not-needed' : undefined) };
  }

  /** The one place run options are decided: the saved Settings, then each caller's overrides in turn (unset fields change nothing). */
  runOptions(paths: string[], ...overrides: RunOverrides[]): RunOptions {
    const s = this.stored();
    let options: RunOptions = {
      paths,
      skipFailed: s.skipFailed,
      ocr: s.ocr,
      concurrency: s.concurrency,
      ocrLanguages: s.ocrLanguages,
      ocrPageCap: s.ocrPageCap,
      ocrTimeoutMs: s.ocrTimeoutMs,
      followSymlinks: s.followSymlinks,
      ai: s.ai,
    };
    let ai: AiOverrides = {};
    for (const { ai: aiLayer, ...rest } of overrides) {
      options = { ...options, ...definedOnly(rest) };
      ai = { ...ai, ...definedOnly(aiLayer ?? {}) };
    }
    return { ...options, ai: this.aiWithKey(ai) };
  }
}

/** What a caller may change for its own runs (CLI flags, the Ingest screen's options); unset fields keep the saved Settings. */
export type AiOverrides = Partial<Pick<AiSettings, 'provider' | 'baseUrl' | 'chatModel' | 'embedModel'>>;
export interface RunOverrides extends Partial<Pick<RunOptions, 'skipFailed' | 'ocr' | 'concurrency' | 'ocrLanguages' | 'ocrPageCap' | 'ocrTimeoutMs' | 'followSymlinks'>> {
  ai?: AiOverrides;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
