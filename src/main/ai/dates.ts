// Document dates: pattern extraction for the local provider and the sanity rule
// (SPEC §2: not in the future, not before 1900) applied to every provider's answer.

const MIN_YEAR = 1900;
const DAY_MS = 86_400_000;

const pad = (n: number): string => String(n).padStart(2, '0');

/** 'YYYY-MM-DD' when the parts form a real calendar day, else null. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** Today as 'YYYY-MM-DD', one day ahead so a user east of UTC is never told their today is the future. */
function latestAllowed(now: number): string {
  const d = new Date(now + DAY_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The date if it is a valid 'YYYY-MM-DD' between 1900-01-01 and today; otherwise null. */
export function saneDate(value: string | null | undefined, now: number = Date.now()): string | null {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const iso = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!iso || Number(m[1]) < MIN_YEAR) return null;
  return iso <= latestAllowed(now) ? iso : null;
}

const MONTHS: Record<string, number> = {};
const MONTH_NAMES: [number, string[]][] = [
  [1, ['january', 'jan', 'januar', 'jänner', 'janvier', 'janv', 'enero', 'ene', 'januari', 'gennaio', 'gen', 'janeiro']],
  [2, ['february', 'feb', 'februar', 'février', 'fevrier', 'févr', 'fevr', 'febrero', 'februari', 'febbraio', 'fevereiro', 'fev']],
  [3, ['march', 'mar', 'märz', 'maerz', 'mrz', 'mars', 'marzo', 'maart', 'mrt', 'março', 'marco']],
  [4, ['april', 'apr', 'avril', 'avr', 'abril', 'abr', 'aprile']],
  [5, ['may', 'mai', 'mayo', 'mei', 'maggio', 'mag', 'maio']],
  [6, ['june', 'jun', 'juni', 'juin', 'junio', 'giugno', 'giu', 'junho']],
  [7, ['july', 'jul', 'juli', 'juillet', 'juil', 'julio', 'luglio', 'lug', 'julho']],
  [8, ['august', 'aug', 'août', 'aout', 'agosto', 'ago', 'augustus']],
  [9, ['september', 'sep', 'sept', 'septembre', 'septiembre', 'setiembre', 'settembre', 'set', 'setembro']],
  [10, ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre', 'ottobre', 'ott', 'outubro', 'out']],
  [11, ['november', 'nov', 'novembre', 'noviembre', 'novembro']],
  [12, ['december', 'dec', 'dezember', 'dez', 'décembre', 'decembre', 'déc', 'diciembre', 'dic', 'dicembre', 'dezembro']],
];
for (const [n, names] of MONTH_NAMES) for (const name of names) MONTHS[name] = n;
// One scanner for every supported shape; the named group tells which one matched.
// Month words are matched as any short letter run and looked up afterwards: a
// hundred-way alternation at every digit made number-heavy texts (tables, CSV) slow.
const DATE_RE = new RegExp(
  [
    String.raw`(?<iso>(?<![\d])(?<iy>\d{4})[-/.](?<im>\d{1,2})[-/.](?<id>\d{1,2})(?![\d]))`,
    String.raw`(?<num>(?<![\d.])(?<na>\d{1,2})(?<sep>[./-])(?<nb>\d{1,2})\k<sep>(?<ny>\d{4})(?![\d]))`,
    String.raw`(?<dmy>(?<![\p{L}\d])(?<dd>\d{1,2})(?:\.|st|nd|rd|th|er|º)?\s*(?:de\s+)?(?<dm>\p{L}{3,10})\.?,?\s*(?:de\s+)?(?<dy>\d{4})(?![\d]))`,
    String.raw`(?<mdy>(?<![\p{L}])(?<mm>\p{L}{3,10})\.?\s+(?<md>\d{1,2})(?:st|nd|rd|th)?,?\s+(?<my>\d{4})(?![\d]))`,
  ].join('|'),
  'gu',
);

// What stands before a date on its line says whether it is the document's date: "Date:",
// "Datum", "Invoice date", "Freiburg, den", "Lyon, le" do; due, birth, start and period-start
// dates do not. Each candidate is scored; the best wins, the earlier on a tie.
const STRONG_LABEL_RE = /(?:date|dated|datum|fecha|data|den|le|issued|ausgestellt)\s*[:.]?\s*$/iu;
const WEAK_LABEL_RE = /(?:am|vom|du|on|of)\s*[:.]?\s*$/iu;
const LINE_LABEL_RE = /^\s*(?:[\p{L}]+\s+){0,2}(?:date|datum|dated|fecha|data)\b/iu;
/** "Freiburg, den", "Lyon, le", "Fait à Lyon, le", "Leeds, ": the place-and-date line of a letter. */
const PLACE_RE = /^\s*(?:fait\s+à\s+)?\p{Lu}[\p{L}.\- ]{1,40},\s*(?:den|le|am|the)?\s*$/u;
const NOT_DOC_DATE_RE = /(?:due|birth|born|expir|valid|fällig|faellig|geburt|geb\.|gültig|échéance|echeance|naissance|vencimiento|nacimiento|vervaldatum|geboorte|scadenza|nascita|vencimento|zahlbar|payable|collect|prélev|abbuch)\S*\s*\S*\s*\S*\s*$/iu;
const START_RE = /(?:start|starting|begin|beginning|beginnt|commenc|admitted|à compter|a compter|ab dem|from|seit|since|mise en)\S*\s*\S*\s*\S*\s*$/iu;
const RANGE_AFTER_RE = /^\s*(?:to|until|till|bis|au|–|—|-)\s*\d/iu;

export interface DateHints {
  /** Slash dates like 03/04/2024 are month-first when the text is English (and not British). */
  monthFirst?: boolean;
  now?: number;
}

/** Slash dates are month-first only in American English: a £ or € says the text is not. */
export function slashMonthFirst(text: string, language: string | null): boolean {
  if (language !== 'en') return false;
  const head = text.slice(0, 8_000);
  const british = /[£€]|\bGBP\b|\bEUR\b|\bVAT\b|\bUK\b|\bNHS\b|\bHMRC\b/.test(head);
  const american = /\$|\bUSD\b|\b[A-Z]{2} \d{5}\b/.test(head);
  return american || !british;
}

/**
 * The document date of a text, or null: of the valid, sane dates, the one whose context says
 * most clearly that it dates the document ("Date:", a letter's place-and-date line, a date alone
 * on a line, the end of a statement period); due, birth and start dates count against.
 */
export function findDocDate(text: string, hints: DateHints = {}): string | null {
  const now = hints.now ?? Date.now();
  let best: { iso: string; score: number } | null = null;
  DATE_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let seen = 0;
  while ((m = DATE_RE.exec(text)) !== null && seen < 200) {
    seen++;
    const g = m.groups ?? {};
    let iso: string | null = null;
    if (g.iso) {
      iso = isoDate(Number(g.iy), Number(g.im), Number(g.id));
    } else if (g.num) {
      const a = Number(g.na);
      const b = Number(g.nb);
      const y = Number(g.ny);
      // 15.03.2024 is always day-first; a slash date is month-first in American English unless it cannot be.
      const monthFirst = g.sep === '/' && (b > 12 || (a <= 12 && hints.monthFirst === true));
      iso = monthFirst ? isoDate(y, a, b) : isoDate(y, b, a);
    } else {
      const month = MONTHS[(g.dmy ? g.dm : g.mm).toLowerCase()];
      if (month === undefined) {
        // "12 items 2024" is no date; rescan from the next character so a real one inside is not skipped.
        DATE_RE.lastIndex = m.index + 1;
        continue;
      }
      iso = g.dmy ? isoDate(Number(g.dy), month, Number(g.dd)) : isoDate(Number(g.my), month, Number(g.md));
    }
    const sane = saneDate(iso, now);
    if (!sane) continue;
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    const lineEndAt = text.indexOf('\n', m.index);
    const lineEnd = lineEndAt < 0 ? text.length : lineEndAt;
    const before = text.slice(Math.max(lineStart, m.index - 40), m.index);
    // The line up to the date, when the date is near its start (an endless line is not read again per date).
    const whole = m.index - lineStart <= 80 ? text.slice(lineStart, m.index) : ' ?';
    const after = text.slice(m.index + m[0].length, Math.min(lineEnd, m.index + m[0].length + 20));
    let score = 0;
    if (NOT_DOC_DATE_RE.test(before)) score -= 6;
    else {
      if (STRONG_LABEL_RE.test(before) || LINE_LABEL_RE.test(whole)) score += 3;
      else if (WEAK_LABEL_RE.test(before)) score += 1;
      if (PLACE_RE.test(whole)) score += 3;
      if (!whole.trim() && !after.trim()) score += 2; // a date alone on its line heads a letter
      if (START_RE.test(before)) score -= 2;
      if (RANGE_AFTER_RE.test(after)) score -= 2; // the start of a period
    }
    if (!best || score > best.score) best = { iso: sane, score };
  }
  return best && best.score > -6 ? best.iso : null;
}
