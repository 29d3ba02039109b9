#!/usr/bin/env node
// `npm run mutate`: a small mutation check of the failure lifecycle (and a few security checks).
// Each mutant is a one-line bug applied to a copy of the repository (src/, test/ … copied,
// node_modules linked); the tests that should notice it run there. A mutant whose tests still
// pass "survives": a behaviour no test protects. Exits 1 when any survives.
//   npm run mutate                 every mutant
//   npm run mutate -- 3 5          only mutants 3 and 5 (1-based)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const LIFECYCLE = ['test/engine/failure-lifecycle.test.ts'];
const CLI_LIFECYCLE = ['test/cli/failed-commands.test.ts'];

/** file, the exact line text to find, what to put instead, the tests that must fail. */
const MUTANTS = [
  { name: 'success no longer clears the failed row (by hash)', file: 'src/main/db/failed-files.ts', from: 'const hadHash = this.deleteByHashStmt.run(hash).changes;', to: 'const hadHash = 0;', tests: LIFECYCLE },
  { name: 'the stage filter matches every stage', file: 'src/main/db/failed-files.ts', from: "clauses.push('stage = @stage');", to: "clauses.push('(stage = @stage OR 1)');", tests: LIFECYCLE },
  { name: 'the failed-files sort ignores its direction', file: 'src/main/db/failed-files.ts', from: "const dir = opts.dir === 'asc' ? 'ASC' : 'DESC';", to: "const dir = 'DESC';", tests: LIFECYCLE },
  { name: 'skipped (failed) is not counted', file: 'src/main/engine/run.ts', from: 'this.counts.skippedFailed++;', to: 'this.counts.skippedFailed += 0;', tests: [...LIFECYCLE, ...CLI_LIFECYCLE] },
  { name: 'known content is not recognised (no skip check)', file: 'src/main/engine/run.ts', from: 'if (earlier) await earlier;\n    const docId = library.documents.idForHash(hash);', to: 'if (earlier) await earlier;\n    const docId = undefined as number | undefined;', tests: LIFECYCLE },
  { name: 'previously failed files are always skipped (--no-skip-failed ignored by the engine)', file: 'src/main/engine/run.ts', from: '(this.options.skipFailed || earlier)', to: '(true || earlier)', tests: LIFECYCLE },
  { name: 'the CLI ignores --no-skip-failed', file: 'src/cli/main.ts', from: "skipFailed: !v['no-skip-failed'],", to: 'skipFailed: true,', tests: CLI_LIFECYCLE },
  { name: 'a saved key goes to any origin', file: 'src/main/app/api-key.ts', from: 'if (choice.saved && choice.saved.origin === origin) return choice.saved.key;', to: 'if (choice.saved) return choice.saved.key;', tests: ['test/security/api-key-binding.test.ts'] },
  { name: 'messages keep URL credentials', file: 'src/shared/redact.ts', from: "return text.replace(USERINFO, '$1***@').replace(SECRET_PARAM, '$1=***');", to: 'return text;', tests: ['test/security/redaction.test.ts'] },
  { name: 'links outside the granted roots are read', file: 'src/main/engine/scan.ts', from: 'if (allowedRoots && !allowedRoots.some((r) => isUnder(real, r)))', to: 'if (allowedRoots && false)', tests: ['test/security/symlink-escape.test.ts'] },
];

const only = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
const chosen = MUTANTS.map((m, i) => ({ ...m, n: i + 1 })).filter((m) => only.length === 0 || only.includes(m.n));

// The copy: sources and tests copied, dependencies linked (they are not mutated).
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-mutate-'));
const cleanup = () => fs.rmSync(copy, { recursive: true, force: true });
process.on('exit', cleanup);
for (const part of ['src', 'test', 'bin', 'package.json', 'tsconfig.json', 'vitest.config.ts']) fs.cpSync(path.join(root, part), path.join(copy, part), { recursive: true });
fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const results = [];
for (const m of chosen) {
  const target = path.join(copy, m.file);
  const original = fs.readFileSync(target, 'utf8');
  const hits = original.split(m.from).length - 1;
  if (hits !== 1) {
    results.push({ ...m, outcome: `not applied (the line is found ${hits} times: update the mutant)` });
    continue;
  }
  fs.writeFileSync(target, original.replace(m.from, m.to));
  const started = Date.now();
  const r = spawnSync(process.execPath, [vitest, 'run', '--reporter=dot', ...m.tests], { cwd: copy, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  fs.writeFileSync(target, original);
  const outcome = r.status === 0 ? 'SURVIVED' : 'killed';
  results.push({ ...m, outcome, seconds: ((Date.now() - started) / 1000).toFixed(0) });
  console.log(`${String(m.n).padStart(2)}. ${outcome.padEnd(8)} ${m.name} (${m.file}; ${m.tests.join(', ')}; ${results.at(-1).seconds} s)`);
}

const survivors = results.filter((r) => r.outcome !== 'killed');
console.log(`\nmutants: ${results.length} tried, ${results.length - survivors.length} killed, ${survivors.length} survived or not applied`);
for (const s of survivors) console.log(`  ✗ ${s.n}. ${s.name}: ${s.outcome}`);
process.exit(survivors.length === 0 ? 0 : 1);
