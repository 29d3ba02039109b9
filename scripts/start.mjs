#!/usr/bin/env node
// `npm start`: build, then launch the desktop app — or, where the Electron runtime is not
// installed, say so in one line and serve the same app in browser mode.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-runtime.mjs';
import { rebuildForElectron } from './rebuild-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

const build = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// Electron 45+ fetches its runtime on first use: try once (quietly) before falling back.
let electron = electronBinary();
if (!electron && !process.env.INTAKE_BROWSER_MODE) {
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  spawnSync(process.execPath, [installer], { cwd: root, stdio: 'ignore', timeout: 300_000 });
  electron = electronBinary();
}
let child;
if (electron) {
  let binding;
  try {
    binding = rebuildForElectron();
  } catch (err) {
    console.error(`Could not build better-sqlite3 for Electron: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
  child = spawn(electron, [root, ...args], { cwd: root, stdio: 'inherit', env: { ...process.env, INTAKE_SQLITE_BINDING: binding } });
} else {
  console.log('Electron runtime not installed (cannot be downloaded here) — starting Intake in browser mode instead');
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  child = spawn(process.execPath, [tsx, path.join(root, 'src', 'main', 'web', 'main.ts'), ...args], { cwd: root, stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
