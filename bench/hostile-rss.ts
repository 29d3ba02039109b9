/**
 * The hostile corpus through `intake ingest`, one file per run (issue 12): for each file its size,
 * what the run made of it, the wall time and the peak resident memory of the whole process tree
 * (the CLI and its extraction processes, summed, sampled every 50 ms from /proc).
 *
 *   npx tsx bench/hostile-rss.ts [--only NAME-SUBSTRING] [--ocr] [--keep DIR]
 *
 * The corpus is built by code: the bad-input corpus of test/reliability plus the bombs the issue
 * names (a page of 3 million text operators, DOCX bombs of 300 MB and 1 GB inflated, NUL padding,
 * a name that is not UTF-8). OCR is off unless --ocr (the figures then include page rendering).
 */
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import zlib from 'node:zlib';
import { buildBadCorpus } from '../test/reliability/bad-corpus';
import { writeDocxBomb } from '../test/support/docx-bomb';
import { letter } from '../test/support/workspace';
import { runChild, sampleTree } from './proc';

const BIN = resolve(process.cwd(), 'bin/intake.js'); // run from the repository (npx tsx bench/hostile-rss.ts)

/** One page whose content stream holds `n` text-showing operators (Flate: a small file that expands). */
export function operatorBombPdf(n: number): Buffer {
  const ops = Buffer.from('BT /F1 1 Tf 10 10 Td\n' + '(a) Tj\n'.repeat(n) + 'ET\n');
  const stream = zlib.deflateSync(ops, { level: 9 });
  const objs: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>'),
    Buffer.concat([Buffer.from(`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`), stream, Buffer.from('\nendstream')]),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  const offsets: number[] = [];
  let at = parts[0].length;
  objs.forEach((o, i) => {
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), o, Buffer.from('\nendobj\n')]);
    offsets.push(at);
    parts.push(b);
    at += b.length;
  });
  const xref = [`xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`));
  return Buffer.concat(parts);
}

interface Row {
  file: string;
  bytes: number;
  result: string;
  seconds: number;
  peakMb: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const ocr = args.includes('--ocr');
  const keep = args.includes('--keep') ? args[args.indexOf('--keep') + 1] : undefined;
  const work = keep ?? mkdtempSync(join(tmpdir(), 'intake-hostile-'));
  const corpus = join(work, 'corpus');
  mkdirSync(corpus, { recursive: true });
  if (readdirSync(corpus).length === 0) {
    await buildBadCorpus(corpus); // writes its files
    writeFileSync(join(corpus, 'operators-3m.pdf'), operatorBombPdf(3_000_000));
    await writeDocxBomb(join(corpus, 'bomb-300mb.docx'), 300 * 1024 * 1024);
    await writeDocxBomb(join(corpus, 'bomb-1gb.docx'), 1024 * 1024 * 1024);
    writeFileSync(join(corpus, 'nul-padded.log.txt'), Buffer.concat([Buffer.from(letter('Server log', 'Service started and answered every request.')), Buffer.alloc(1_800_000)]));
    writeFileSync(Buffer.from(join(corpus, 'caf\xe9-latin1.txt'), 'latin1'), letter('Latin-1 name', 'A letter whose file name came from an old zip.'));
  }
  // Every regular file (links and folders left out: a run over each on its own measures one file).
  const files: string[] = [];
  const walk = (dir: Buffer) => {
    for (const d of readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
      const p = Buffer.concat([dir, Buffer.from('/'), d.name]);
      if (d.isDirectory()) walk(p);
      else if (d.isFile()) files.push(p.toString('latin1'));
    }
  };
  walk(Buffer.from(corpus));
  files.sort();
  const rows: Row[] = [];
  for (const latin of files) {
    const path = Buffer.from(latin, 'latin1');
    const shown = path.toString().slice(corpus.length + 1);
    if (only && !shown.includes(only)) continue;
    const db = join(work, 'lib.db');
    rmSync(db, { force: true });
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
    let sampler: { stop: () => { peakSampledMb: number } } | null = null;
    const t0 = Date.now();
    const r = await runChild(process.execPath, [BIN, 'ingest', path.some((b) => b >= 0x80) ? linkTo(work, path) : latin, '--db', db, '--json', ...(ocr ? [] : ['--no-ocr'])], {
      env: { ...process.env, INTAKE_DATA_DIR: join(work, 'data'), OPENAI_API_KEY: '' },
      onSpawn: (c) => (sampler = sampleTree(c.pid!, 50)),
    });
    const seconds = (Date.now() - t0) / 1000;
    const peakMb = (sampler as { stop: () => { peakSampledMb: number } } | null)?.stop().peakSampledMb ?? 0;
    let result = `exit ${r.code}`;
    try {
      const s = JSON.parse(r.stdout) as { ingested: number; failed: number; unsupported: number; skippedFailed: number };
      result = s.ingested ? 'ingested' : s.unsupported ? 'unsupported' : s.failed ? `failed: ${failedCode(db)}` : s.skippedFailed ? 'skipped (failed)' : 'nothing';
    } catch {
      result += ` ${r.stderr.trim().split('\n').pop() ?? ''}`;
    }
    rows.push({ file: shown, bytes: statSync(path).size, result, seconds, peakMb });
    process.stderr.write(`${shown}: ${result}, ${Math.round(peakMb)} MB, ${seconds.toFixed(1)} s\n`);
  }
  const width = Math.max(...rows.map((r) => r.file.length), 4);
  const lines = [`| ${'file'.padEnd(width)} | bytes | result | s | peak tree RSS MB |`, `|${'-'.repeat(width + 2)}|---:|---|---:|---:|`];
  for (const r of rows) lines.push(`| ${r.file.padEnd(width)} | ${r.bytes} | ${r.result} | ${r.seconds.toFixed(1)} | ${Math.round(r.peakMb)} |`);
  const top = rows.reduce((a, b) => (b.peakMb > a.peakMb ? b : a), rows[0]);
  const total = rows.reduce((a, r) => a + r.bytes, 0);
  lines.push('', `${rows.length} files, ${(total / 1e6).toFixed(1)} MB; largest peak ${Math.round(top.peakMb)} MB (${top.file}); OCR ${ocr ? 'on' : 'off'}.`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!keep) rmSync(work, { recursive: true, force: true });
}

/** A file with a non-ASCII name is given through a folder of its own (the CLI takes a folder and finds it by its bytes). */
function linkTo(work: string, path: Buffer): string {
  const dir = join(work, 'one');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const slash = path.lastIndexOf('/');
  const name = path.subarray(slash + 1);
  // A hard link keeps the very bytes of the name; the user's copy is untouched.
  linkSync(path, Buffer.concat([Buffer.from(`${dir}/`), name]));
  return dir;
}

function failedCode(db: string): string {
  const d = new Database(db, { readonly: true });
  try {
    const r = d.prepare('SELECT error_code FROM failed_files LIMIT 1').get() as { error_code: string } | undefined;
    return r?.error_code ?? '?';
  } finally {
    d.close();
  }
}

// Run as a script only (a test imports operatorBombPdf).
if (/hostile-rss\.ts$/.test(process.argv[1] ?? '')) void main();
