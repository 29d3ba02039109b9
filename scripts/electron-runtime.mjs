// Where the Electron runtime binary is, if it is installed. The electron package downloads it
// on first require() — impossible on a machine without internet — so this only looks.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function candidatePath() {
  if (process.env.ELECTRON_EXEC_PATH) return process.env.ELECTRON_EXEC_PATH;
  const pkgDir = path.dirname(require.resolve('electron/package.json'));
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
  return relative ? path.join(pkgDir, 'dist', relative) : null;
}

/** The Electron binary's path when it is installed and runs; null otherwise. */
export function electronBinary() {
  let binary;
  try {
    binary = candidatePath();
  } catch {
    return null;
  }
  if (!binary || !fs.existsSync(binary)) return null;
  const probe = spawnSync(binary, ['--version'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 30_000 });
  return probe.status === 0 ? binary : null;
}

export function electronVersion() {
  return require('electron/package.json').version;
}
