// The validation of a classification answer (prompt.ts's schema). Bump PROMPT_VERSION (prompt.ts)
// whenever it changes: failed rows remember it. Its own module, imported when the first answer comes,
// so that zod is not loaded at start by a run that asks no model (intake ingest --no-ai, a rerun).
import { z } from 'zod';
import { stripInvisible } from '../../shared/clean-text';
import type { Classification } from '../../shared/domain';
import { saneDate } from './dates';
import { normalizeDocType } from './doc-types';

const nullableString = z.union([z.string(), z.null()]);
const ClassificationAnswer = z.object({
  title: z.string(),
  doc_type: z.string(),
  correspondent: nullableString,
  doc_date: nullableString.refine((v) => v === null || v.trim() === '' || /^\d{4}-\d{2}-\d{2}$/.test(v.trim()), 'doc_date must be YYYY-MM-DD or null'),
  tags: z.array(z.string()),
  language: nullableString,
  summary: z.string(),
});

const LANGUAGE_NAMES: Record<string, string> = {
  english: 'en', german: 'de', deutsch: 'de', french: 'fr', français: 'fr', francais: 'fr', spanish: 'es', español: 'es',
  dutch: 'nl', nederlands: 'nl', italian: 'it', italiano: 'it', portuguese: 'pt', português: 'pt',
};

function normalizeLanguage(v: string | null): string | null {
  if (!v) return null;
  const s = v.trim().toLowerCase();
  if (/^[a-z]{2}$/.test(s)) return s;
  const m = /^([a-z]{2})[-_][a-z]{2,4}$/.exec(s);
  if (m) return m[1];
  return LANGUAGE_NAMES[s] ?? null;
}

const oneLine = (s: string, max: number): string => {
  // The model's words are stored and shown: no control characters, no bidi overrides.
  const t = stripInvisible(s).replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
};

export type ParseResult = { ok: true; value: Classification } | { ok: false; problem: string };

/**
 * Validates a model's answer. Wrong shapes are rejected (the caller re-asks);
 * cosmetic problems are repaired: long strings clipped, tags lowercased and
 * deduplicated, an unknown doc_type becomes "other", an insane date becomes null.
 */
export function parseClassification(content: string | null | undefined, now: number = Date.now()): ParseResult {
  if (!content || !content.trim()) return { ok: false, problem: 'empty answer' };
  let json: unknown;
  try {
    // Some local servers wrap JSON in a markdown fence even in JSON mode.
    json = JSON.parse(content.trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, ''));
  } catch (e) {
    return { ok: false, problem: `answer is not JSON (${(e as Error).message})` };
  }
  const parsed = ClassificationAnswer.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `answer does not match the schema (${issue.path.join('.') || 'root'}: ${issue.message})` };
  }
  const a = parsed.data;
  const title = oneLine(a.title, 120);
  if (!title) return { ok: false, problem: 'answer has an empty title' };
  const tags = [...new Set(a.tags.map((t) => oneLine(t, 40).toLowerCase()).filter(Boolean))].slice(0, 10);
  return {
    ok: true,
    value: {
      title,
      docType: normalizeDocType(a.doc_type),
      correspondent: a.correspondent && a.correspondent.trim() ? oneLine(a.correspondent, 120) : null,
      docDate: saneDate(a.doc_date, now),
      tags,
      language: normalizeLanguage(a.language),
      summary: oneLine(a.summary, 500),
    },
  };
}
