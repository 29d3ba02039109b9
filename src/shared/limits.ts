import type { AiSettings } from './domain';

/**
 * The limits and defaults every door shares (contract schemas, the Settings and
 * Ingest screens, the CLI, the engine): each is decided here and nowhere else.
 */
export const LIMITS = {
  /** Files processed at once by one run. */
  concurrency: { min: 1, max: 32 },
  /** Pages OCR'd per document. */
  ocrPageCap: { min: 1, max: 5000 },
  /** OCR time per document. */
  ocrTimeoutMs: { min: 1000, max: 3_600_000 },
  /** One AI request. */
  aiTimeoutMs: { min: 1000, max: 600_000 },
  aiMaxRetries: { min: 0, max: 10 },
} as const;

export const DEFAULT_AI: AiSettings = {
  provider: 'local',
  baseUrl: 'https://api.openai.com/v1',
  chatModel: 'gpt-4o-mini',
  embedModel: 'text-embedding-3-small',
  timeoutMs: 60_000,
  maxRetries: 3,
};

/** Two files per core, between 2 and 8: OCR and AI calls overlap without swamping a laptop. */
export function defaultConcurrency(cpuCount: number): number {
  return Math.max(2, Math.min(8, cpuCount * 2));
}

export const DEFAULT_RUN_SETTINGS = {
  skipFailed: true,
  ocr: true,
  ocrLanguages: ['eng'],
  ocrPageCap: 50,
  ocrTimeoutMs: 120_000,
  followSymlinks: false,
} as const;
