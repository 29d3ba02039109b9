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

// A label right before a date says it is the document's date; "due"/"birth" dates are not.
const LABEL_RE = /(?:date|dated|datum|fecha|data|den|le|am|vom|du)\s*[:.]?\s*$/iu;
const NOT_DOC_DATE_RE = /(?:due|birth|expir|valid|fällig|faellig|geburt|gültig|échéance|echeance|naissance|vencimiento|nacimiento|vervaldatum|geboorte|scadenza|nascita|vencimento)\S*\s*\S*\s*$/iu;

export interface DateHints {
  /** Slash dates like 03/04/2024 are month-first when the text is English. */
  monthFirst?: boolean;
  now?: number;
}

/**
 * The document date of a text, or null: the first labelled date ("Date:", "Datum",
 * "Fecha" …) if there is one, else the first valid date. Only sane dates count.
 */
export function findDocDate(text: string, hints: DateHints = {}): string | null {
  const now = hints.now ?? Date.now();
  let first: string | null = null;
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
      // 15.03.2024 is always day-first; a slash date is month-first in English unless it cannot be.
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
    const before = text.slice(Math.max(lineStart, m.index - 40), m.index);
    if (LABEL_RE.test(before) && !NOT_DOC_DATE_RE.test(before)) return sane;
    first ??= sane;
  }
  return first;
}
