// The built-in provider: offline, deterministic and fast (microseconds to a few
// milliseconds per document). It guesses with rules and says null when it cannot tell.
import type { Classification } from '../../shared/domain';
import { findDocDate, slashMonthFirst } from './dates';
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
  const titled = new Set<DocType>();
  const titleEnd = endOfLine(lower, 2);
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
    const at = m.index ?? 0;
    const boost = at < HEADER_CHARS ? 2 : 1;
    // A document names what it is in its first lines ("INVOICE", "Kontoauszug", "Bulletin de paie"):
    // that outweighs the topic words of, say, a clinic's invoice.
    const title = at < titleEnd && rule.weight >= 3 && !titled.has(rule.type) ? 6 : 0;
    if (title) titled.add(rule.type);
    score.set(rule.type, (score.get(rule.type) ?? 0) + rule.weight * boost + title);
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

/** Where the first `n` non-empty lines end. */
function endOfLine(text: string, n: number): number {
  let at = 0;
  for (let seen = 0; seen < n && at < text.length; ) {
    const next = text.indexOf('\n', at);
    if (text.slice(at, next < 0 ? text.length : next).trim()) seen++;
    if (next < 0) return text.length;
    at = next + 1;
  }
  return at;
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
  // Unsure (too few function words, or two languages neck and neck) → the spelling decides, or null.
  const sure = tokens > 0 && top >= 2 && top >= second * 1.3 + 0.5;
  return { language: sure ? LANGS[best] : spellingLanguage(lower), tags };
}

const DE_MARKS_RE = /[äöüß]|(?:ung|keit|heit|schaft)\b|\b(?:summe|betrag|datum|konto|rechnung|gehalt|steuer|straße|str\.)\b/gu;
const FR_MARKS_RE = /[éèêàçù]|\b(?:montant|facture|date|compte|salaire|impôt|rue|total)\b/gu;
const EN_MARKS_RE = /\b(?:total|amount|pay|paid|payment|date|account|tax|balance|employee|gross|net|thank|receipt|invoice|card|street|road)\b/gu;

/**
 * Number-heavy documents (payslips, statements, receipts) have few function words: their
 * spelling and a few common nouns tell German, French and English apart. Null when they do not.
 */
function spellingLanguage(lower: string): string | null {
  const count = (re: RegExp) => lower.match(re)?.length ?? 0;
  const de = count(DE_MARKS_RE);
  const fr = count(FR_MARKS_RE);
  const en = count(EN_MARKS_RE);
  const ranked = [
    ['de', de],
    ['fr', fr],
    ['en', en],
  ].sort((a, b) => (b[1] as number) - (a[1] as number)) as [string, number][];
  const [first, second] = ranked;
  return first[1] >= 3 && first[1] >= second[1] * 2 ? first[0] : null;
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

const companySuffixAlt = [...new Set(COMPANY_SUFFIXES.flatMap((x) => [x, x.toUpperCase()]))].map(escapeRe).sort((a, b) => b.length - a.length).join('|');
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

/**
 * A title a person would give the file: the subject line; else the first heading near the top
 * that says what the document is ("Jahresabrechnung Strom 2023", "Motor insurance — policy
 * schedule"), with the sender added when the heading is a bare word ("INVOICE"); else the first
 * line that is neither a mail header nor the letterhead.
 */
function guessTitle(lines: string[], correspondent: string | null): string {
  for (const line of lines.slice(0, 40)) {
    const subject = SUBJECT_RE.exec(line);
    if (subject && letterCount(subject[1]) >= 3) return clip(subject[1], TITLE_MAX);
  }
  const body = lines.filter((l) => !HEADER_RE.test(l) && letterCount(l) >= 3);
  for (const line of body.slice(0, 12)) {
    const words = line.toLowerCase().match(/\p{L}+/gu) ?? [];
    if (line.length > 90 || !words.some((w) => TITLE_WORDS.has(w)) || RECIPIENT_RE.test(line)) continue;
    const heading = displayName(line.replace(/^[#*=\->•\s]+/, '').trim());
    const bare = words.length <= 2 && correspondent && !heading.toLowerCase().includes(correspondent.toLowerCase());
    return clip(bare ? `${heading} — ${correspondent}` : heading, TITLE_MAX);
  }
  const first = body[0];
  return first ? clip(displayName(first.replace(/^[#*=\->•\s]+/, '')), TITLE_MAX) : 'Untitled';
}

/** Words that make a heading a document's title, not its sender's name. */
const TITLE_WORDS = new Set([
  'invoice', 'receipt', 'statement', 'agreement', 'contract', 'report', 'manual', 'guide', 'instructions', 'certificate', 'payslip',
  'summary', 'schedule', 'bill', 'notice', 'record', 'decision', 'renewal', 'list', 'recipe', 'minutes', 'quote', 'quotation', 'order',
  'notes', 'note', 'memo', 'memorandum', 'agenda', 'budget', 'letter', 'application', 'form', 'protokoll', 'notizen', 'antrag', 'compte', 'procès',
  'rechnung', 'quittung', 'kassenbon', 'kontoauszug', 'mietvertrag', 'vertrag', 'bescheid', 'befundbericht', 'einladung', 'anleitung',
  'bedienungsanleitung', 'gutachten', 'wertgutachten', 'abrechnung', 'jahresabrechnung', 'entgeltabrechnung', 'versicherungsschein', 'bericht',
  'facture', 'ticket', 'relevé', 'contrat', 'bulletin', 'attestation', 'ordonnance', 'avis', 'notice', 'devis', 'reçu', 'quittance',
]);
const GREETING_RE = /^(?:hi|hello|dear|hallo|liebe|lieber|sehr|bonjour|madame|monsieur|cher|chère)\b/iu;
const RECIPIENT_RE = /^(?:to|an|à|herrn|herr|frau|mr|mrs|ms|miss|m\.|mme|mlle|customer|client|kunde|patient|employee|bill to|ship to)\b/iu;
const DOCTOR_RE = /^(?:praxis\s+)?(?:dr|prof)\.?\s+(?:med\.\s+)?\p{Lu}/iu;
const CREDENTIALS_RE = /(?:\s+(?:BDS|DDS|MBBS|MRCGP|FRCS|FRCP|MRICS|MD|PhD|FMH))+$/u;
const SIGN_OFF_RE = /^(?:cheers|thanks|best|regards|kind regards|best regards|yours sincerely|yours faithfully|sincerely|with warm wishes|warm wishes|mit freundlichen grüßen|viele grüße|liebe grüße|herzliche grüße|cordialement|bien à vous|amitiés|salutations)[,.!]?$/iu;

/** "NORTHGRID ENERGY" → "Northgrid Energy"; mixed case is kept as written. */
function displayName(s: string): string {
  const letters = s.replace(/[^\p{L}]/gu, '');
  if (letters.length < 4 || letters !== letters.toUpperCase()) return s;
  return s
    .toLowerCase()
    .replace(/(^|[\s\-&/'’(])(\p{L})/gu, (_, pre: string, c: string) => pre + c.toUpperCase())
    .replace(/\b(Gmbh|Ag|Ltd|Llc|Llp|Plc|Inc|Sa|Sas|Sarl|Kg|Uk|Hm)\b/g, (w) => (w === 'Gmbh' ? 'GmbH' : w === 'Ltd' || w === 'Inc' ? w : w.toUpperCase()));
}

/** The organisation or person a heading line names, or null when it reads as a title, an address or prose. */
function nameFromHeading(line: string): string | null {
  // "Meridian Bank plc · Customer Services · PO Box 4410", "Velo Mobile — Your airtime agreement", "Acme, 3 Mill Lane".
  let first = line.replace(/^[#*=>•\s]+/, '').split(/\s+[—–·|]\s+|\s+-\s+|,\s+/)[0].trim();
  if (!first || first.length > 60 || /[:;!?]$|^\d/.test(first) || GREETING_RE.test(first) || RECIPIENT_RE.test(first)) return null;
  let words = first.split(/\s+/);
  // An all-capitals letterhead may run into the title: "THE COPPER KETTLE LTD PAYSLIP".
  const caps = first.replace(/[^\p{L}]/gu, '');
  if (caps.length >= 6 && caps === caps.toUpperCase()) {
    let cut = words;
    while (cut.length > 2 && TITLE_WORDS.has(cut[cut.length - 1].toLowerCase().replace(/[^\p{L}]/gu, ''))) cut = cut.slice(0, -1);
    // Only a name with a legal form survives the cut ("ASSURED SHORTHOLD TENANCY AGREEMENT" does not).
    if (cut !== words && COMPANY_RE.test(cut.join(' '))) {
      words = cut;
      first = cut.join(' ');
    }
  }
  if (words.length > 7) return null;
  if (words.some((w) => TITLE_WORDS.has(w.toLowerCase().replace(/[^\p{L}]/gu, '')))) return null;
  const hasSuffix = COMPANY_RE.test(first);
  if (/\d/.test(first) && !hasSuffix) return null;
  if (!/^\p{Lu}/u.test(first)) return null;
  const long = words.filter((w) => w.replace(/[^\p{L}]/gu, '').length >= 4);
  const capitalised = long.filter((w) => /^\p{Lu}/u.test(w.replace(/^[^\p{L}]+/u, ''))).length;
  if (long.length && capitalised / long.length < 0.5) return null;
  return displayName(first.replace(CREDENTIALS_RE, '').trim());
}

/**
 * The sender, as a person filing the document would name it: a "From:"/"Absender"/"Expéditeur"
 * line; else the letterhead (the first lines, preferring a doctor's name); else an organisation
 * with a legal form near the top (not in a recipient block or a table row); else the name under
 * a letter's sign-off. Null when none of these is there.
 */
function guessCorrespondent(lines: string[]): string | null {
  const head = lines.slice(0, 40);
  let email: string | null = null;
  for (const line of head) {
    const from = FROM_RE.exec(line);
    if (!from) continue;
    const name = from[1].replace(EMAIL_RE, '').replace(/["']/g, '').trim();
    if (letterCount(name) >= 2) return clip(name, 80);
    email ??= from[1].match(EMAIL_RE)?.[0]?.replace(/[<>]/g, '') ?? null;
  }
  // The letterhead: the first lines that are not mail headers.
  const top = head.filter((l) => !HEADER_RE.test(l)).slice(0, 4);
  const doctor = top.find((l) => DOCTOR_RE.test(l));
  if (doctor) return clip(doctor.replace(/^praxis\s+/i, '').split(/\s+[—–·|]\s+|,\s+/)[0].replace(CREDENTIALS_RE, ''), 80);
  const heading = top.length ? nameFromHeading(top[0]) : null;
  if (heading) return clip(heading, 80);
  let recipientBlock = false;
  for (const line of head.slice(0, 24)) {
    if (!line.trim()) continue;
    if (TO_RE.test(line) || RECIPIENT_RE.test(line)) {
      recipientBlock = true;
      continue;
    }
    // A table row ("01.02. Gehalt … Lindner Software AG") names a counterparty, not the sender.
    if (/^\d/.test(line) || /\d[.,]\d{2}\s*(?:€|EUR|£|\$)?\s*$/.test(line)) continue;
    const company = COMPANY_RE.exec(line);
    if (company && !recipientBlock) return clip(displayName(company[1]), 80);
    recipientBlock = false;
  }
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!SIGN_OFF_RE.test(lines[i])) continue;
    const name = lines[i + 1].replace(/\s*\(.*\)\s*$/, '').trim();
    const words = name.split(/\s+/);
    if (words.length >= 2 && words.length <= 4 && words.every((w) => /^\p{Lu}[\p{L}'’.-]*$/u.test(w)) && !words.some((w) => TITLE_WORDS.has(w.toLowerCase()))) {
      return clip(name, 80);
    }
  }
  return email;
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
  const correspondent = guessCorrespondent(lines);
  return {
    title: guessTitle(lines, correspondent),
    docType: guessDocType(lower),
    correspondent,
    docDate: findDocDate(head, { monthFirst: slashMonthFirst(head, language), now }),
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
    if (this.encoder) return this.encoder.embed(texts, { urgent: opts.urgent });
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
