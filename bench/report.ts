/** Rows of the benchmark table: medians with min/max, the ratio to the native tool, the target and whether it is met. */

export interface Sample {
  median: number;
  min: number;
  max: number;
  n: number;
}

export interface Row {
  id: string;
  figure: string;
  unit: string;
  intake: Sample | null;
  /** null: no native equivalent; 'unavailable': the tool is missing. */
  native: Sample | null | 'unavailable';
  nativeTool?: string;
  /** intake / native in the direction where higher is better for Intake (speed ratio). */
  ratio: number | null;
  target: string;
  met: boolean | null;
  notes: string[];
}

export function sample(values: number[]): Sample {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

export function showSample(s: Sample | null | 'unavailable', unit: string): string {
  if (s === 'unavailable') return 'native: not available';
  if (!s) return '—';
  if (s.n === 1 || s.min === s.max) return `${num(s.median)} ${unit}`;
  return `${num(s.median)} ${unit} [${num(s.min)}–${num(s.max)}]`;
}

export function cells(r: Row): string[] {
  return [
    r.figure,
    showSample(r.intake, r.unit),
    r.native === 'unavailable' ? 'native: not available' : r.native ? `${showSample(r.native, r.unit)}${r.nativeTool ? ` (${r.nativeTool})` : ''}` : '—',
    r.ratio == null ? '—' : `${r.ratio.toFixed(2)}×`,
    r.target,
    r.met == null ? '?' : r.met ? 'yes' : 'NO',
  ];
}

const HEAD = ['figure', 'Intake (median [min–max])', 'native', 'ratio', 'target', 'met?'];

export function textTable(rows: Row[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join(' │ ');
  return [line(HEAD), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map((r) => line(cells(r)))].join('\n');
}

export function markdownTable(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}
