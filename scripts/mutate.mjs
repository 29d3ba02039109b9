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
const SERVER = ['test/web/server.test.ts'];
const WATCH = ['test/reliability/watch-edges.test.ts'];
const WATCHED_APP = 'test/service/watched-failed.test.ts';

/**
 * file, the exact text to find (once), what to put instead, the tests that must fail, and
 * optionally `grep`: only the tests whose names match it (vitest -t), to keep slow files short.
 */
const MUTANTS = [
  // The failure lifecycle.
  { name: 'success no longer clears the failed row (by hash)', file: 'src/main/db/failed-files.ts', from: 'const hadHash = this.deleteByHashStmt.run(hash).changes;', to: 'const hadHash = 0;', tests: LIFECYCLE },
  { name: 'the stage filter matches every stage', file: 'src/main/db/failed-files.ts', from: "clauses.push('stage = @stage');", to: "clauses.push('(stage = @stage OR 1)');", tests: LIFECYCLE },
  { name: 'the failed-files sort ignores its direction', file: 'src/main/db/failed-files.ts', from: "const dir = opts.dir === 'asc' ? 'ASC' : 'DESC';", to: "const dir = 'DESC';", tests: LIFECYCLE },
  { name: 'skipped (failed) is not counted', file: 'src/main/engine/run.ts', from: 'this.counts.skippedFailed++;', to: 'this.counts.skippedFailed += 0;', tests: [...LIFECYCLE, ...CLI_LIFECYCLE] },
  { name: 'known content is not recognised (no skip check)', file: 'src/main/engine/pipeline.ts', from: 'const docId = library.documents.idForHash(hash);', to: 'const docId = undefined as number | undefined;', tests: LIFECYCLE },
  { name: 'previously failed files are always skipped (--no-skip-failed ignored by the engine)', file: 'src/main/engine/pipeline.ts', from: '(this.run.options.skipFailed || earlier)', to: '(true || earlier)', tests: LIFECYCLE },
  { name: 'the CLI ignores --no-skip-failed', file: 'src/cli/main.ts', from: "v['no-skip-failed'] ? { skipFailed: false } : {}", to: '{}', tests: CLI_LIFECYCLE },
  { name: 'Reset reads before it takes the write lock (deferred transaction)', file: 'src/main/db/failed-files.ts', from: "removed.push(removedRow);\n      }\n    }).immediate();", to: "removed.push(removedRow);\n      }\n    })();", tests: ['test/reliability/two-writers-reset.test.ts'] },
  // Watching (intake ingest --watch).
  { name: 'watch takes a file at first sight, before it stops changing', file: 'src/main/engine/watch.ts', from: 'if (lastSeen.get(e.path) === sig) {', to: 'if (true) {', tests: WATCH, grep: 'written in one go' },
  { name: 'watch tries a failed file again at every poll', file: 'src/main/engine/watch.ts', from: "library.documents.idForHash(hash) !== undefined || library.failed.failedIdForHash(hash) !== undefined ? 'recorded' : 'open'", to: "library.documents.idForHash(hash) !== undefined ? 'recorded' : 'open'", tests: [...WATCH, WATCHED_APP], grep: 'fails while watched' },
  { name: 'watch never takes a reset file again', file: 'src/main/engine/watch.ts', from: "library.documents.idForHash(hash) !== undefined || library.failed.failedIdForHash(hash) !== undefined ? 'recorded' : 'open'", to: "'recorded'", tests: [...WATCH, WATCHED_APP], grep: 'fails while watched' },
  { name: 'watch keeps quiet about a watched folder that is gone', file: 'src/main/engine/watch.ts', from: 'hooks.onPollError?.(`The watched folder ${e.path} ${what}; watching goes on and takes it up again when it is back.`, e);', to: 'void what;', tests: WATCH, grep: 'removed' },
  { name: "an edited file's path stays with its old version", file: 'src/main/db/documents.ts', from: 'this.takePath(id, d.filePath);', to: '', tests: WATCH, grep: 'edited' },
  // Security fixes of this round.
  { name: 'a saved key goes to any origin', file: 'src/main/app/api-key.ts', from: 'if (choice.saved && choice.saved.origin === origin) return choice.saved.key;', to: 'if (choice.saved) return choice.saved.key;', tests: ['test/security/api-key-binding.test.ts'] },
  { name: 'the environment key goes to any base URL', file: 'src/main/app/api-key.ts', from: 'if (choice.envKey && (origin === OFFICIAL_OPENAI_ORIGIN || choice.baseUrlFromCaller)) return choice.envKey;', to: 'if (choice.envKey) return choice.envKey;', tests: ['test/security/api-key-binding.test.ts'] },
  { name: 'messages keep URL credentials', file: 'src/shared/redact.ts', from: "return text.replace(USERINFO, '$1***@').replace(SECRET_PARAM, '$1=***');", to: 'return text;', tests: ['test/security/redaction.test.ts'] },
  { name: 'the API takes the token from a cookie', file: 'src/main/web/server.ts', from: "return auth !== undefined && auth.startsWith('Bearer ') && tokenMatches(auth.slice(7).trim());", to: "return (auth !== undefined && auth.startsWith('Bearer ') && tokenMatches(auth.slice(7).trim())) || tokenMatches(/intake_token_\\d+=(\\w+)/.exec(req.headers.cookie ?? '')?.[1]);", tests: SERVER },
  { name: 'the API takes the token from the query string', file: 'src/main/web/server.ts', from: "return auth !== undefined && auth.startsWith('Bearer ') && tokenMatches(auth.slice(7).trim());", to: "return (auth !== undefined && auth.startsWith('Bearer ') && tokenMatches(auth.slice(7).trim())) || tokenMatches(new URL(req.url ?? '/', 'http://h').searchParams.get('token') ?? undefined);", tests: SERVER },
  { name: 'the events socket takes the token from a cookie', file: 'src/main/web/server.ts', from: "if (!isAuthorized(req) && !tokenMatches(socketToken(req))) return refuse(401, 'Unauthorized');", to: "if (!isAuthorized(req) && !tokenMatches(socketToken(req)) && !tokenMatches(/=(\\w+)/.exec(req.headers.cookie ?? '')?.[1])) return refuse(401, 'Unauthorized');", tests: SERVER },
  { name: 'the printed URL carries the token in its query (sent to the server, kept in logs)', file: 'src/main/web/server.ts', from: 'url: `${origin}/#${TOKEN_FRAGMENT_KEY}=${token}`,', to: 'url: `${origin}/?${TOKEN_FRAGMENT_KEY}=${token}`,', tests: SERVER },
  { name: 'the page leaves the token in the address bar', file: 'src/renderer/src/api.ts', from: "history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);", to: 'void rest;', tests: ['test/renderer/api.test.tsx'] },
  { name: 'app:// serves a file reached through a link leading out of the renderer folder', file: 'src/main/app/renderer-files.ts', from: 'if (real !== root && !real.startsWith(root + path.sep)) return null;', to: 'if (false) return null;', tests: ['test/shell/security.test.ts'] },
  { name: 'app:// answers for any host', file: 'src/main/security.ts', from: "if (!isAppUrl(url.href, { kind: 'app', rendererDir: root }) || url.port !== '') return refuse(403, 'Forbidden');", to: "if (url.port !== '') return refuse(403, 'Forbidden');", tests: ['test/shell/security.test.ts'] },
  { name: 'the inbox cap ignores the announced sizes (checked only on what is held)', file: 'src/main/app/inbox.ts', from: 'if (held + incoming > cap) {', to: 'if (held > cap) {', tests: ['test/security/inbox.test.ts'] },
  { name: 'uploads are not capped in number', file: 'src/main/app/inbox.ts', from: 'if (busy >= INBOX_CONCURRENT_UPLOADS)', to: 'if (busy >= Infinity)', tests: ['test/security/inbox.test.ts'] },
  { name: 'JSON bodies may be ten times larger', file: 'src/main/web/server.ts', from: 'const SMALL_BODY = 8 * 1024 * 1024;', to: 'const SMALL_BODY = 80 * 1024 * 1024;', tests: SERVER },
  { name: 'links outside the granted roots are read', file: 'src/main/engine/scan.ts', from: 'if (allowedRoots && !allowedRoots.some((r) => isUnder(real, r)))', to: 'if (allowedRoots && false)', tests: ['test/security/symlink-escape.test.ts'] },
  { name: 'links into /proc, /sys, /dev are read', file: 'src/main/engine/scan.ts', from: "if (process.platform !== 'win32' && SYSTEM_TREES.some((t) => isUnder(real, t)))", to: 'if (false)', tests: ['test/security/symlink-escape.test.ts'] },
  { name: 'a path through a link leading out is judged by its name (fs.list, ingest.start)', file: 'src/main/app/service.ts', from: 'const real = await realpathOfNearest(abs);', to: 'const real = abs;', tests: ['test/security/symlink-escape.test.ts'] },
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
  const r = spawnSync(process.execPath, [vitest, 'run', '--reporter=dot', ...(m.grep ? ['-t', m.grep] : []), ...m.tests], { cwd: copy, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  fs.writeFileSync(target, original);
  const outcome = r.status === 0 ? 'SURVIVED' : 'killed';
  results.push({ ...m, outcome, seconds: ((Date.now() - started) / 1000).toFixed(0) });
  console.log(`${String(m.n).padStart(2)}. ${outcome.padEnd(8)} ${m.name} (${m.file}; ${m.tests.join(', ')}${m.grep ? ` -t "${m.grep}"` : ''}; ${results.at(-1).seconds} s)`);
}

const survivors = results.filter((r) => r.outcome !== 'killed');
console.log(`\nmutants: ${results.length} tried, ${results.length - survivors.length} killed, ${survivors.length} survived or not applied`);
for (const s of survivors) console.log(`  ✗ ${s.n}. ${s.name}: ${s.outcome}`);
process.exit(survivors.length === 0 ? 0 : 1);
