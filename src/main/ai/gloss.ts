// The sentence encoder reads English only. A German or French passage is given to it as an
// English word-by-word gloss (gloss-lexicon.ts): known words and compound parts become their
// English meaning, names and numbers stay, function words go. Crude as translation, but it puts
// "Steuerbescheid … Erstattung" near "tax refund notice", which the raw text never was. The
// keyword side (FTS) still sees the original words.
import { GLOSS, fold } from './gloss-lexicon';
import { STOPWORDS } from './lexicon';

export type GlossLanguage = 'de' | 'fr';

const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
const STOP: Record<'en' | GlossLanguage, Set<string>> = {
  en: new Set(STOPWORDS.en.map(fold)),
  de: new Set(STOPWORDS.de.map(fold)),
  fr: new Set(STOPWORDS.fr.map(fold)),
};
/** Words that mean the same in English ("bank", "hotel") say nothing about the language. */
const isForeign = (lang: GlossLanguage, w: string): boolean => {
  const g = GLOSS[lang].get(w);
  return g !== undefined && g !== w;
};
const FR_ELISION = /^(?:l|d|j|m|n|s|t|c|qu)['’]/;
/** Inflection endings tried when a word is not in the lexicon as written. */
const ENDINGS: Record<GlossLanguage, string[]> = {
  de: ['en', 'n', 'e', 'es', 's', 'er', 'em', 'ern'],
  fr: ['s', 'x', 'e', 'es'],
};
/** Letters German puts between compound parts (Einkommen-s-steuer, Bank-en-…). */
const LINKS = ['s', 'es', 'n', 'en', 'er', ''];
const MIN_PART = 3;

/** German or French when the passage's function words and vocabulary say so clearly; else null. */
export function glossLanguage(text: string): GlossLanguage | null {
  const n = { en: 0, de: 0, fr: 0 };
  let tokens = 0;
  for (const m of text.matchAll(WORD_RE)) {
    const w = fold(m[0].replace(FR_ELISION, ''));
    if (++tokens > 400) break;
    if (STOP.en.has(w)) n.en++;
    if (STOP.de.has(w) || isForeign('de', w)) n.de++;
    if (STOP.fr.has(w) || isForeign('fr', w)) n.fr++;
  }
  const best: GlossLanguage = n.de >= n.fr ? 'de' : 'fr';
  const other = best === 'de' ? n.fr : n.de;
  return n[best] >= 3 && n[best] >= 1.5 * Math.max(n.en, other) ? best : null;
}

function lookup(lang: GlossLanguage, w: string): string | undefined {
  const dict = GLOSS[lang];
  const hit = dict.get(w);
  if (hit !== undefined) return hit;
  for (const end of ENDINGS[lang]) {
    if (w.length - end.length >= MIN_PART && w.endsWith(end)) {
      const stem = dict.get(w.slice(0, -end.length));
      if (stem !== undefined) return stem;
    }
  }
  return undefined;
}

/**
 * A German compound read from its end ("jahresabrechnung" → "jahr" + s + "abrechnung"): the
 * longest known head, then the rest the same way. English order puts the modifiers first.
 */
function compound(w: string, depth = 0): string | undefined {
  if (depth > 3 || w.length < MIN_PART) return undefined;
  const whole = lookup('de', w);
  if (whole !== undefined) return whole;
  for (let cut = 1; cut <= w.length - MIN_PART; cut++) {
    const head = lookup('de', w.slice(cut));
    if (head === undefined) continue;
    const left = w.slice(0, cut);
    for (const link of LINKS) {
      if (!left.endsWith(link)) continue;
      const stem = link ? left.slice(0, -link.length) : left;
      const mod = compound(stem, depth + 1);
      if (mod !== undefined) return `${mod} ${head}`;
    }
  }
  return undefined;
}

/**
 * The English gloss of a German or French passage: meanings for known words, the rest as written
 * (`translatedOnly`: the meanings alone, for the keyword index, which has the words as written).
 */
export function glossText(text: string, lang: GlossLanguage, opts: { translatedOnly?: boolean } = {}): string {
  const out: string[] = [];
  const words = [...text.matchAll(WORD_RE)].map((m) => m[0]);
  for (let i = 0; i < words.length; i++) {
    const raw = words[i];
    const w = fold(lang === 'fr' ? raw.replace(FR_ELISION, '') : raw);
    // Two-word entries first ("carte nationale", "état civil").
    const pair = i + 1 < words.length ? GLOSS[lang].get(`${w} ${fold(words[i + 1])}`) : undefined;
    if (pair !== undefined) {
      out.push(pair);
      i++;
      continue;
    }
    if (STOP[lang].has(w)) continue;
    const g = lookup(lang, w) ?? (lang === 'de' ? compound(w) : undefined);
    if (!opts.translatedOnly) out.push(g ?? raw);
    else if (g !== undefined && g !== w) out.push(g);
  }
  return out.join(' ');
}

/** The English meaning of one German or French word as written ("Heizung" → "heating"), or undefined when none is known. */
export function wordGloss(raw: string, lang: GlossLanguage): string | undefined {
  const w = fold(lang === 'fr' ? raw.replace(FR_ELISION, '') : raw);
  if (STOP[lang].has(w)) return undefined;
  const g = lookup(lang, w) ?? (lang === 'de' ? compound(w) : undefined);
  return g !== undefined && g !== w ? g : undefined;
}

/** What the encoder reads for a passage: its English gloss when it is German or French, else the passage. */
export function encoderText(text: string): string {
  const lang = glossLanguage(text);
  return lang ? glossText(text, lang) : text;
}

/**
 * What the keyword index holds beside a document's text: the English meanings of its German and
 * French passages (each passage judged on its own, as the encoder does), so that an English query's
 * words meet "Steuerbescheid … Erstattung" as "tax assessment notice … refund". Empty for English.
 */
export function documentGloss(passages: string[]): string {
  const out: string[] = [];
  for (const p of passages) {
    const lang = glossLanguage(p);
    if (lang) out.push(glossText(p, lang, { translatedOnly: true }));
  }
  return out.join('\n');
}
