import { describe, expect, it } from 'vitest';
import { settingsInputSchema } from '../../src/shared/contract';
import { DEFAULT_SETTINGS } from '../../src/main/app/settings';
import { STORED_AI_CHECKS, STORED_FIELD_CHECKS } from '../../src/main/app/stored-settings-check';

// The saved settings load with a hand check (zod stays out of every command's start); it must
// accept and refuse exactly what Settings' Save (settingsInputSchema) does, field by field.
const odd: unknown[] = [null, undefined, true, false, 0, -1, 1, 1.5, 2 ** 53, NaN, '', 'x', ' ', [], {}, ['eng'], 'eng'];
const near = (min: number, max: number): unknown[] => [min - 1, min, min + 0.5, max, max + 1, String(min), (min + max) / 2, Math.floor((min + max) / 2)];

const candidates: Record<string, unknown[]> = {
  ocrLanguages: [['eng'], ['eng', 'deu'], ['chi_sim'], ['en'], ['toolonglanguage'], ['EnG'], ['e-g'], [], Array(10).fill('eng'), Array(11).fill('eng'), [1], ['eng', null], 'eng'],
  concurrency: near(1, 32),
  skipFailed: [],
  ocr: [],
  ocrPageCap: near(1, 5000),
  ocrTimeoutMs: near(1000, 3_600_000),
  followSymlinks: [],
};
const aiCandidates: Record<string, unknown[]> = {
  provider: ['local', 'openai', 'OpenAI', 'bogus'],
  baseUrl: ['https://api.openai.com/v1', 'http://localhost:11434/v1', 'HTTPS://X', 'https://', 'https://a b', 'file:///etc/passwd', 'ftp://x', `https://${'a'.repeat(1992)}`, `https://${'a'.repeat(1993)}`],
  chatModel: ['gpt-4o-mini', 'a'.repeat(500), 'a'.repeat(501)],
  embedModel: ['text-embedding-3-small', 'a'.repeat(500), 'a'.repeat(501)],
  timeoutMs: near(1000, 600_000),
  maxRetries: near(0, 10),
};

describe('saved settings: hand check against settingsInputSchema', () => {
  const fields = settingsInputSchema.shape;
  const aiFields = fields.ai.unwrap().shape;

  it('has a check for every saved field, and only those', () => {
    expect(Object.keys(STORED_FIELD_CHECKS).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).filter((k) => k !== 'ai').sort());
    expect(Object.keys(STORED_AI_CHECKS).sort()).toEqual(Object.keys(DEFAULT_SETTINGS.ai).sort());
  });

  it.each(Object.keys(candidates))('%s agrees with zod', (key) => {
    const schema = fields[key as keyof typeof fields];
    for (const v of [...odd, ...candidates[key]]) {
      if (v === undefined) continue; // an absent field is not checked (it keeps its default)
      expect([key, v, STORED_FIELD_CHECKS[key](v)]).toEqual([key, v, schema.safeParse(v).success]);
    }
  });

  it.each(Object.keys(aiCandidates))('ai.%s agrees with zod', (key) => {
    const schema = aiFields[key as keyof typeof aiFields];
    for (const v of [...odd, ...aiCandidates[key]]) {
      if (v === undefined) continue;
      expect([key, v, STORED_AI_CHECKS[key](v)]).toEqual([key, v, schema.safeParse(v).success]);
    }
  });

  it('every field refuses some value and takes its default', () => {
    for (const [key, check] of Object.entries(STORED_FIELD_CHECKS)) {
      expect(check((DEFAULT_SETTINGS as unknown as Record<string, unknown>)[key])).toBe(true);
      expect(check(null)).toBe(false);
    }
    for (const [key, check] of Object.entries(STORED_AI_CHECKS)) {
      expect(check((DEFAULT_SETTINGS.ai as unknown as Record<string, unknown>)[key])).toBe(true);
      expect(check(null)).toBe(false);
    }
  });
});
