/**
 * When a failed file is worth retrying: each failure stores the settings its
 * stages ran with (the fingerprint); a row is eligible when a setting its stage
 * depends on has changed since. Used by the engine (to record), the library
 * (to filter in SQL) and the service (to label rows).
 */
import type { RunOptions, Stage } from './domain';

/**
 * Bumped when text extraction changes enough that old extraction failures may now pass.
 * 2: every page of a multi-page TIFF, PDF pages OCR'd where their text layer is missing or junk, rotated scans turned.
 */
export const EXTRACTOR_VERSION = '2';

export type SettingsFingerprint = Record<string, unknown>;

/** The parts of an AI provider that shape a stage's outcome. */
export interface ProviderIdentity {
  name: string;
  chatModel: string;
  embedModel: string;
  promptVersion: string;
}

/** Settings that shape each stage's outcome; stored with failures to tell when a retry may help. */
export function settingsFingerprint(o: Pick<RunOptions, 'ocr' | 'ocrLanguages' | 'ocrPageCap'>, provider: ProviderIdentity): SettingsFingerprint {
  return {
    extractorVersion: EXTRACTOR_VERSION,
    ocr: o.ocr,
    ocrLanguages: o.ocrLanguages,
    pageCap: o.ocrPageCap,
    provider: provider.name,
    chatModel: provider.chatModel,
    embedModel: provider.embedModel,
    promptVersion: provider.promptVersion,
  };
}

/** The settings each stage's outcome depends on: if one changed, a retry may succeed. */
const STAGE_KEYS: Record<Stage, string[]> = {
  hash: [],
  extract_text: ['extractorVersion', 'ocr'],
  ocr: ['extractorVersion', 'ocrLanguages', 'pageCap'],
  classify: ['provider', 'chatModel', 'promptVersion', 'ocr'],
  embeddings: ['provider', 'embedModel'],
  db_insert: [],
  unknown: ['extractorVersion', 'provider', 'chatModel'],
};

const KEY_LABEL: Record<string, string> = {
  extractorVersion: 'extractor updated',
  ocr: 'OCR setting changed',
  ocrLanguages: 'OCR languages changed',
  pageCap: 'OCR page cap changed',
  provider: 'AI provider changed',
  chatModel: 'model changed',
  promptVersion: 'prompt updated',
  embedModel: 'embedding model changed',
};

/** "model changed (gpt-4o-mini → llama3.1)" when today's settings differ from the failing run's, else null. */
export function eligibility(stage: Stage, fp: SettingsFingerprint, current: SettingsFingerprint): string | null {
  const keys = STAGE_KEYS[stage] ?? [];
  const changes: string[] = [];
  for (const k of keys) {
    if (!(k in fp) || !(k in current)) continue;
    const a = JSON.stringify(fp[k]);
    const b = JSON.stringify(current[k]);
    if (a !== b) {
      if (k === 'ocr') changes.push(current[k] ? 'OCR turned on' : 'OCR turned off');
      else changes.push(`${KEY_LABEL[k] ?? k} (${show(fp[k])} → ${show(current[k])})`);
    }
  }
  return changes.length ? changes.join(', ') : null;
}

function show(v: unknown): string {
  return Array.isArray(v) ? v.join('+') : String(v);
}
