#!/usr/bin/env node
/**
 * Compiles the `intake` command to JavaScript in out/cli with esbuild (the bundler under the
 * app's own toolchain, installed with tsx), so the CLI starts without compiling TypeScript.
 * Packages stay in node_modules, except a few plain-JavaScript ones every command loads (INLINE):
 * one bundled file is read and compiled faster than the hundreds of modules Node would resolve
 * one by one. Three entries, the names the engine looks for beside its own module: intake.js,
 * extract-worker.js, encoder-worker.js.
 *
 * Run by `npm install` (prepare), and by bin/intake.js when out/cli is missing or older than
 * a source it was built from (build.json lists them). Builds in a private folder and swaps it in,
 * so CLIs started at the same moment never see half a build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIR = path.join(root, 'out', 'cli');
const STAMP = 'build.json';
/**
 * Bundled into out/cli: pure JavaScript with no files of their own to find at run time. zod (the
 * contract's schemas) and openai (the provider's client and error classes) cost ≈ 0.2 s of CPU
 * each when Node loads them module by module; bundled, a fraction of that.
 */
const INLINE = ['zod', 'openai'];

/** True when out/cli exists and no source it was built from changed since. */
export function cliIsFresh() {
  try {
    const { builtAt, inputs } = JSON.parse(fs.readFileSync(path.join(CLI_DIR, STAMP), 'utf8'));
    return inputs.every((f) => fs.statSync(path.join(root, f)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

/** Every package but INLINE, with its subpaths: loaded from node_modules at run time. */
function externalPackages() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies }).filter((n) => !INLINE.includes(n));
  return names.flatMap((n) => [n, `${n}/*`]);
}

/** esbuild's options for bundling `entryPoints` (name → source) into `outdir` as the CLI is bundled. */
export function bundleOptions(entryPoints, outdir) {
  return {
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    splitting: true, // `--help` loads only the CLI's own code; the service comes with the first real command
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: externalPackages(),
    chunkNames: '[name]-[hash]', // beside the entries: the engine finds its workers next to its own module
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
  };
}

export async function buildCli() {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  fs.mkdirSync(path.dirname(CLI_DIR), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(CLI_DIR), '.cli-build-'));
  try {
    const result = await build(
      bundleOptions(
        {
          intake: 'src/cli/main.ts',
          'extract-worker': 'src/main/extract/worker.ts',
          'encoder-worker': 'src/main/ai/encoder-worker.mjs',
        },
        tmp,
      ),
    );
    // Our sources, and the lock file for the bundled packages (statting their files at every start would cost more than it saves).
    const inputs = [...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/')), 'scripts/build-cli.mjs', 'package.json', 'package-lock.json'].filter(
      (f) => fs.existsSync(path.join(root, f)),
    );
    fs.writeFileSync(path.join(tmp, STAMP), JSON.stringify({ builtAt, inputs }, null, 1));
    // Swap in: the old build moves aside first, so a rename never lands inside a folder.
    const old = `${tmp}-old`;
    try {
      fs.renameSync(CLI_DIR, old);
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
    try {
      fs.renameSync(tmp, CLI_DIR);
    } catch (e) {
      // Another CLI swapped in its build a moment ago: it was built from the same sources.
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    }
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// `node scripts/build-cli.mjs` (npm's prepare): build now. A failure is reported, not fatal:
// bin/intake.js builds on first use, or falls back to the sources.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildCli();
  } catch (e) {
    console.warn(`intake: the CLI was not compiled (${e instanceof Error ? e.message : e}); it will build on first use`);
  }
}
