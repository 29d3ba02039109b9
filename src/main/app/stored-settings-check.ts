import { LIMITS } from '../../shared/limits';

/**
 * The saved settings' fields checked by hand, each exactly as contract.ts's settingsInputSchema
 * checks it (test/service/stored-settings-check.test.ts holds the two side by side): loading the
 * saved settings is on every command's path, and zod with the contract's schemas costs ≈ 0.1 s of
 * CPU to load, more than the rest of a CLI rerun's start. A change through Settings' Save (IPC or
 * browser mode, app/dispatch.ts) is still validated with zod.
 */
type Check = (v: unknown) => boolean;

const int = (min: number, max: number): Check => (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const bool: Check = (v) => typeof v === 'boolean';
const text = (max: number): Check => (v) => typeof v === 'string' && v.length <= max;

export const STORED_FIELD_CHECKS: Record<string, Check> = {
  ocrLanguages: (v) => Array.isArray(v) && v.length >= 1 && v.length <= 10 && v.every((l) => typeof l === 'string' && /^[a-z_]{3,10}$/i.test(l)),
  concurrency: int(LIMITS.concurrency.min, LIMITS.concurrency.max),
  skipFailed: bool,
  ocr: bool,
  ocrPageCap: int(LIMITS.ocrPageCap.min, LIMITS.ocrPageCap.max),
  ocrTimeoutMs: int(LIMITS.ocrTimeoutMs.min, LIMITS.ocrTimeoutMs.max),
  followSymlinks: bool,
};

export const STORED_AI_CHECKS: Record<string, Check> = {
  provider: (v) => v === 'local' || v === 'openai',
  baseUrl: (v) => text(2000)(v) && (v === '' || /^https?:\/\/[^\s]+$/i.test(v as string)),
  chatModel: text(500),
  embedModel: text(500),
  timeoutMs: int(LIMITS.aiTimeoutMs.min, LIMITS.aiTimeoutMs.max),
  maxRetries: int(LIMITS.aiMaxRetries.min, LIMITS.aiMaxRetries.max),
};
