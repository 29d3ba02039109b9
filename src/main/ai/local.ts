// The built-in provider: offline, deterministic and fast (microseconds to a few
// milliseconds per document). It guesses with rules and says null when it cannot tell.
import type { Classification } from '../../shared/domain';
import { findDocDate } from './dates';
import { DOC_TYPES, type DocType } from './doc-types';
import { hashEmbed } from './hash-embed';
import { COMPANY_SUFFIXES, EXTRA_NON_TAGS, FROM_LABELS, HEADER_LABELS, STOPWORDS, SUBJECT_LABELS, TO_LABELS, TYPE_RULES } from './lexicon';
import { sharedEncoder, type SentenceEncoder } from './encoder';
import type { AiProvider, CallOptions } from './types';

export const LOCAL_CHAT_MODEL = 'local-rules-v1';
/** The hashed bag-of-words vectors: the baseline, and what `INTAKE_ENCODER=hash` selects. */
export const LOCAL_EMBED_MODEL = 'local-hash-256';
export const LOCAL_PROMPT_VERSION = 'local-rules-v1';

/** Rules look at the head of a document: that is where titles, senders and dates live. */
const SCAN_CHARS = 8_000;
const HEADER_CHARS = 240;
const TITLE_MAX = 120;
const SUMMARY_MAX = 300;
const MAX_TAGS = 5;

const WORD_START = String.raw`(?<![\p{L}\p{N}])`;
const WORD_END = String.raw`(?![\p{L}\p{N}])`;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---- document type ---------------------------------------------------------

interface CompiledRules {
  re: RegExp;
  phrase: Map<string, { type: DocType; weight: number }>;
  suffix: { suffix: string; type: DocType; weight: number }[];
}

function compileRules(): CompiledRules {
  const phrase = new Map<string, { type: DocType; weight: number }>();
  const suffix: CompiledRules['suffix'] = [];
  for (const type of DOC_TYPES) {
    for (const rule of TYPE_RULES[type] ?? []) {
      for (const p of rule.phrases) if (!phrase.has(p)) phrase.set(p, { type, weight: rule.weight });
      for (const s of rule.compoundSuffixes ?? []) suffix.push({ suffix: s, type, weight: rule.weight });
    }
  }
  const phrases = [...phrase.keys()].sort((a, b) => b.length - a.length).map((p) => escapeRe(p).replace(/ /g, String.raw`\s+`));
  // Whole phrases first, so "lohnabrechnung" (payslip) wins over the compound "…rechnung" (invoice).
  const compounds = suffix.map((s) => String.raw`\p{L}+-?` + escapeRe(s.suffix));
  const re = new RegExp(`${WORD_START}(?:${[...phrases, ...compounds].join('|')})${WORD_END}`, 'gu');
  return { re, phrase, suffix };
}
const RULES = compileRules();

function guessDocType(lower: string): DocType {
  const score = new Map<DocType, number>();
  const hits = new Map<string, number>();
  RULES.re.lastIndex = 0;
  for (const m of lower.matchAll(RULES.re)) {
    const word = m[0].replace(/\s+/g, ' ');
    // A word repeated on every line of a table should not outvote the heading.
    const seen = (hits.get(word) ?? 0) + 1;
    hits.set(word, seen);
    if (seen > 3) continue;
    const rule = RULES.phrase.get(word) ?? RULES.suffix.find((s) => word.endsWith(s.suffix));
    if (!rule) continue;
    const boost = (m.index ?? 0) < HEADER_CHARS ? 2 : 1;
    score.set(rule.type, (score.get(rule.type) ?? 0) + rule.weight * boost);
  }
  let best: DocType = 'other';
  let bestScore = 0;
  // DOC_TYPES order breaks ties: the more specific types come first.
  for (const type of DOC_TYPES) {
    const s = score.get(type) ?? 0;
    if (s > bestScore) {
      best = type;
      bestScore = s;
    }
  }
  return bestScore >= 2 ? best : 'other';
}

// ---- words: language and tags ----------------------------------------------

const LANGS = Object.keys(STOPWORDS);
const STOP_LANGS = new Map<string, number>();
LANGS.forEach((lang, i) => {
  for (const w of STOPWORDS[lang]) STOP_LANGS.set(w, (STOP_LANGS.get(w) ?? 0) | (1 << i));
});
const NON_TAGS = new Set([...STOP_LANGS.keys(), ...EXTRA_NON_TAGS, ...COMPANY_SUFFIXES.map((s) => s.toLowerCase().replace(/\.$/, ''))]);
const TOKEN_RE = /[\p{L}\p{N}][\p{L}\p{N}'’-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;
const HAS_DIGIT_RE = /\d/;

function analyseWords(lower: string): { language: string | null; tags: string[] } {
  const langHits = new Array<number>(LANGS.length).fill(0);
  const counts = new Map<string, number>();
  let tokens = 0;
  for (const m of lower.matchAll(TOKEN_RE)) {
    const w = m[0];
    tokens++;
    const mask = STOP_LANGS.get(w);
    if (mask !== undefined) {
      for (let i = 0; i < LANGS.length; i++) if (mask & (1 << i)) langHits[i]++;
      continue;
    }
    if (w.length < 3 || NON_TAGS.has(w) || HAS_DIGIT_RE.test(w)) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  // Map iteration order is first occurrence, and sort is stable: ties go to the earlier word.
  const tags = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_TAGS)
    .map(([w]) => w);

  let best = -1;
  let second = 0;
  for (let i = 0; i < LANGS.length; i++) {
    if (best < 0 || langHits[i] > langHits[best]) {
      if (best >= 0) second = Math.max(second, langHits[best]);
      best = i;
    } else {
      second = Math.max(second, langHits[i]);
    }
  }
  const top = best >= 0 ? langHits[best] : 0;
  // Unsure (too few function words, or two languages neck and neck) → null.
  const sure = tokens > 0 && top >= 2 && top >= second * 1.3 + 0.5;
  return { language: sure ? LANGS[best] : null, tags };
}

// ---- lines: title and correspondent ----------------------------------------

const labelRe = (labels: string[]): RegExp =>
  new RegExp(`^\\s*(?:${labels.map(escapeRe).sort((a, b) => b.length - a.length).join('|')})\\s*:\\s*(.*)$`, 'iu');
const FROM_RE = labelRe(FROM_LABELS);
const TO_RE = labelRe(TO_LABELS);
const SUBJECT_RE = labelRe(SUBJECT_LABELS);
const HEADER_RE = labelRe(HEADER_LABELS);
const LETTERS_RE = /\p{L}/gu;
const EMAIL_RE = /<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?/g;

const companySuffixAlt = COMPANY_SUFFIXES.map(escapeRe).sort((a, b) => b.length - a.length).join('|');
// Up to five capitalised words (or "&", "+") followed by a legal form: "Stadtwerke München GmbH".
const COMPANY_RE = new RegExp(
  // The look-behind excludes every in-word character, so a line of "1.2.3.4…" is tried once, not at each digit.
  String.raw`(?<![\p{L}\p{N}&.'’+-])((?:[\p{Lu}\p{N}][\p{L}\p{N}&.'’+-]*[ \t]+|&[ \t]+){1,5}(?:${companySuffixAlt}))(?![\p{L}\p{N}])`,
  'u',
);

function clip(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const letterCount = (s: string): number => s.match(LETTERS_RE)?.length ?? 0;

function guessTitle(lines: string[]): string {
  for (const line of lines.slice(0, 40)) {
    const subject = SUBJECT_RE.exec(line);
    if (subject && letterCount(subject[1]) >= 3) return clip(subject[1], TITLE_MAX);
  }
  for (const line of lines) {
    if (HEADER_RE.test(line)) continue;
    if (letterCount(line) >= 3) return clip(line.replace(/^[#*=\->•\s]+/, ''), TITLE_MAX);
  }
  return 'Untitled';
}

function guessCorrespondent(lines: string[]): string | null {
  const head = lines.slice(0, 40);
  for (const line of head) {
    const from = FROM_RE.exec(line);
    if (!from) continue;
    const name = from[1].replace(EMAIL_RE, '').replace(/["']/g, '').trim();
    if (letterCount(name) >= 2) return clip(name, 80);
    const email = from[1].match(EMAIL_RE)?.[0];
    if (email) return email.replace(/[<>]/g, '');
  }
  for (const line of head) {
    if (TO_RE.test(line)) continue;
    const company = COMPANY_RE.exec(line);
    if (company) return clip(company[1], 80);
  }
  return null;
}

// ---- summary ----------------------------------------------------------------

function summarize(lines: string[]): string {
  // Mail-style header lines (From:, To:, Subject:) say nothing the other fields do not.
  const body: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (HEADER_RE.test(line)) continue;
    body.push(line);
    size += line.length + 1;
    if (size > 2_000) break;
  }
  const flat = body.join(' ').replace(/\s+/g, ' ').trim();
  if (flat.length <= SUMMARY_MAX) return flat;
  const sentences = flat.split(/(?<=[.!?])\s+/);
  let out = '';
  for (const s of sentences) {
    if (out && out.length + 1 + s.length > SUMMARY_MAX) break;
    out = out ? `${out} ${s}` : s;
  }
  return clip(out, SUMMARY_MAX);
}

/** Classifies a text with rules only. Pure and deterministic (given `now` for the date check). */
export function classifyLocally(text: string, now: number = Date.now()): Classification {
  const head = text.length > SCAN_CHARS ? text.slice(0, SCAN_CHARS) : text;
  const lower = head.toLowerCase();
  const lines = head.split(/\r?\n/, 400).map((l) => l.trim()).filter((l) => l.length > 0);
  const { language, tags } = analyseWords(lower);
  return {
    title: guessTitle(lines),
    docType: guessDocType(lower),
    correspondent: guessCorrespondent(lines),
    docDate: findDocDate(head, { monthFirst: language === 'en', now }),
    tags,
    language,
    summary: summarize(lines),
  };
}

/**
 * The local provider's vectors: the sentence encoder by default; `INTAKE_ENCODER=hash` selects the
 * hashed vectors (no model in memory: the engine-speed bench, the eval's baseline, most tests).
 */
export function defaultLocalEncoder(): SentenceEncoder | null {
  return process.env.INTAKE_ENCODER === 'hash' ? null : sharedEncoder();
}

export class LocalProvider implements AiProvider {
  readonly name = 'local' as const;
  readonly chatModel = LOCAL_CHAT_MODEL;
  readonly embedModel: string;
  readonly promptVersion = LOCAL_PROMPT_VERSION;
  readonly embedsInBackground: boolean;

  constructor(private readonly encoder: SentenceEncoder | null = defaultLocalEncoder()) {
    this.embedModel = encoder ? encoder.model : LOCAL_EMBED_MODEL;
    this.embedsInBackground = encoder !== null;
  }

  async classify(text: string, opts: CallOptions = {}): Promise<Classification> {
    opts.signal?.throwIfAborted();
    return classifyLocally(text);
  }

  async embed(texts: string[], opts: CallOptions = {}): Promise<Float32Array[]> {
    opts.signal?.throwIfAborted();
    if (this.encoder) return this.encoder.embed(texts);
    return texts.map((t) => hashEmbed(t));
  }

  async testConnection(): Promise<{ ok: boolean; message: string }> {
    if (!this.encoder) return { ok: true, message: 'Built-in local provider (hashed vectors): works offline, no model needed.' };
    try {
      await this.encoder.embed(['connection test']);
      return { ok: true, message: `Built-in local provider: works offline; sentence encoder ${this.encoder.model} loaded from disk.` };
    } catch (e) {
      return { ok: false, message: `The local sentence encoder could not run: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}
