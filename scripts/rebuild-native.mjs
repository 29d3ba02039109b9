#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .electron-native/better_sqlite3.node, leaving the
// Node build in node_modules alone (vitest and the CLI keep using it). The Electron main process
// finds the file there and passes it on as INTAKE_SQLITE_BINDING (better-sqlite3's nativeBinding).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronVersion } from './electron-runtime.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, '.electron-native');
const output = path.join(outDir, 'better_sqlite3.node');
const stampFile = path.join(outDir, 'stamp.json');

export function rebuildForElectron({ force = false } = {}) {
  const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const stamp = { electron: electronVersion(), betterSqlite3: require('better-sqlite3/package.json').version, arch: process.arch };
  if (!force && fs.existsSync(output) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === JSON.stringify(stamp)) {
    return output;
  }
  console.log(`Building better-sqlite3 ${stamp.betterSqlite3} for Electron ${stamp.electron} (${stamp.arch})…`);
  const work = path.join(outDir, 'build-src');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  fs.cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.includes(`${path.sep}build${path.sep}`) });
  const gyp = nodeGyp();
  const args = [
    ...gyp.slice(1),
    'rebuild',
    '--release',
    `--target=${stamp.electron}`,
    `--arch=${stamp.arch}`,
    '--runtime=electron',
    `--dist-url=${process.env.ELECTRON_HEADERS_URL ?? 'https://electronjs.org/headers'}`,
  ];
  const result = spawnSync(gyp[0], args, { cwd: work, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('node-gyp could not build better-sqlite3 for Electron (see the output above)');
  fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), output);
  fs.writeFileSync(stampFile, JSON.stringify(stamp));
  fs.rmSync(work, { recursive: true, force: true });
  return output;
}

/** npm ships node-gyp; prefer the one npm points at, then a local or global install. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(c));
  return found ? [process.execPath, found] : ['node-gyp'];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(rebuildForElectron({ force: process.argv.includes('--force') }));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
