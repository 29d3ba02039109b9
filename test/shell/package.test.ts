// A real electron-builder run with the repository's own packaging config (package.json "build"):
// its afterPack hook (scripts/fuses.mjs) flips the fuses of the binary it packaged. The Electron
// runtime cannot be downloaded here, so the distribution it packs is a stand-in: a file carrying
// Electron's fuse wire where the executable would be (electronDist), with a one-line app.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '../..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const dir = mkdtempSync(path.join(tmpdir(), 'intake-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function wireOf(file: string): string {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length;
  return bytes.subarray(at + 2, at + 2 + bytes[at + 1]).toString('latin1');
}

describe('npm run package', () => {
  it('electron-builder with the repository’s config applies the fuses in its afterPack step', async () => {
    const real = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
      build: Record<string, unknown>;
    };
    expect(real.scripts.package).toMatch(/electron-builder --dir/);
    expect(real.build.afterPack).toBe('scripts/fuses.mjs');

    // Electron's distribution, as a stand-in with Electron's default fuse wire.
    const electronDist = path.join(dir, 'electron-dist');
    mkdirSync(electronDist);
    writeFileSync(
      path.join(electronDist, 'electron'),
      Buffer.concat([Buffer.alloc(4096, 0x7f), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001'), Buffer.alloc(4096, 0x7f)]),
      { mode: 0o755 },
    );
    // The project: a one-line app under the repository's own "build" config and scripts/.
    const project = path.join(dir, 'project');
    mkdirSync(project);
    symlinkSync(path.join(repo, 'scripts'), path.join(project, 'scripts'));
    mkdirSync(path.join(project, 'out'));
    writeFileSync(path.join(project, 'out', 'main.js'), 'process.exit(0);\n');
    const output = path.join(dir, 'release');
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: real.name,
        version: real.version,
        description: 'stand-in',
        author: 'Intake',
        main: 'out/main.js',
        devDependencies: { electron: real.devDependencies.electron },
        build: { ...real.build, electronDist, electronVersion: real.devDependencies.electron, npmRebuild: false, directories: { output } },
      }),
    );

    await run(process.execPath, [path.join(repo, 'node_modules/electron-builder/cli.js'), '--linux', '--dir', '--projectDir', project], {
      env: { ...process.env, CI: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const unpacked = path.join(output, 'linux-unpacked');
    expect(existsSync(path.join(unpacked, 'resources', 'app.asar'))).toBe(true);
    // RunAsNode, CookieEncryption, NodeOptions, Inspect, AsarIntegrity, OnlyAsar, V8Snapshot, FileProtocolPrivileges
    expect(wireOf(path.join(unpacked, real.name))).toBe('01001100');
    // The stand-in it started from still has Electron's defaults: the packager copied it, then flipped the copy.
    expect(wireOf(path.join(electronDist, 'electron'))).toBe('10110001');
  });
});
