/**
 * The `intake` command as a user starts it: a whole process, wall time, beside `node -e 0` (the
 * floor any Node program pays) and `find` over the same tree, measured in the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ctx } from '../context';
import { freshDb } from '../context';
import { documentText, rng } from '../corpus';
import { timeShell } from '../proc';
import { sample, type Row } from '../report';

const BIN = fileURLToPath(new URL('../../bin/intake.js', import.meta.url));
const RERUN_FILES = 5000;

export async function cliFigures(ctx: Ctx, want: (id: string) => boolean): Promise<Row[]> {
  const node = `'${process.execPath}'`;
  const env = { ...process.env, INTAKE_DATA_DIR: ctx.dataDir, INTAKE_DB: '' };
  const time = (script: string) => timeShell(script, env);
  // Builds out/cli if it is stale, so the figures below are the compiled CLI's, not the first build's.
  time(`${node} '${BIN}' --version > /dev/null`);
  const reps = Math.max(ctx.reps, 5);
  const nodeFloor: number[] = [];
  const rows: Row[] = [];

  if (want('cli_help')) {
    const help: number[] = [];
    for (let i = 0; i < reps; i++) {
      nodeFloor.push(time(`${node} -e 0`));
      help.push(time(`${node} '${BIN}' --help > /dev/null`));
    }
    const a = sample(help);
    const b = sample(nodeFloor);
    rows.push({
      id: 'cli_help',
      figure: '`intake --help`, whole process',
      unit: 'ms',
      intake: a,
      native: b,
      nativeTool: 'node -e 0',
      ratio: b.median / a.median,
      target: '≤ 300 ms',
      met: a.median <= 300,
      notes: [`node bin/intake.js --help (compiled CLI in out/cli), ${reps} runs alternating with node -e 0; ratio = node -e 0 ÷ intake`],
    });
  }

  if (want('cli_rerun')) {
    const dir = join(ctx.work, 'cli-rerun');
    const r = rng(ctx.seed);
    for (let i = 0; i < RERUN_FILES; i++) {
      const sub = join(dir, `folder-${Math.floor(i / 100)}`);
      if (i % 100 === 0) mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `doc-${i}.txt`), documentText(r, i, 1));
    }
    const db = freshDb(ctx, 'cli-rerun');
    // The hashed vectors (INTAKE_ENCODER=hash) for the first ingest and every rerun alike: the
    // rerun embeds nothing either way, and the sentence encoder would make the setup take minutes.
    const ingest = `INTAKE_ENCODER=hash ${node} '${BIN}' ingest '${dir}' --db '${db}' --no-ocr --json > /dev/null`;
    const firstMs = time(ingest);
    const rerun: number[] = [];
    const find: number[] = [];
    for (let i = 0; i < reps; i++) {
      rerun.push(time(ingest));
      if (ctx.native.find) find.push(time(`find '${dir}' -type f -printf '%s %T@\\n' > /dev/null`));
    }
    const a = sample(rerun);
    const b = find.length ? sample(find) : null;
    rows.push({
      id: 'cli_rerun',
      figure: `\`intake ingest\` rerun over ${RERUN_FILES} unchanged files, whole process`,
      unit: 'ms',
      intake: a,
      native: b ?? 'unavailable',
      nativeTool: "find -printf '%s %T@'",
      ratio: b ? b.median / a.median : null,
      target: '≤ 600 ms',
      met: a.median <= 600,
      notes: [
        `INTAKE_ENCODER=hash node bin/intake.js ingest <tree> --db <lib> --no-ocr --json, process start to exit; the first ingest of the tree took ${(firstMs / 1000).toFixed(1)} s`,
        `node -e 0 in the same run: ${nodeFloor.length ? `${sample(nodeFloor).median.toFixed(0)} ms median` : 'not measured (cli_help not selected)'}`,
      ],
    });
  }
  return rows;
}
