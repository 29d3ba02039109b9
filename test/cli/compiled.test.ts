/**
 * `intake` runs compiled JavaScript (out/cli), built on first use on a fresh clone and again when
 * a source changes; no manual build step. Checked on a copy of the repository, so the real out/cli
 * of other tests is never rebuilt under them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../..');
let clone: string;

beforeAll(() => {
  clone = mkdtempSync(join(tmpdir(), 'intake-clone-'));
  for (const part of ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json']) execFileSync('cp', ['-a', join(REPO, part), clone]);
  symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'));
});
afterAll(() => {
  rmSync(clone, { recursive: true, force: true });
});

const intake = (...args: string[]) => spawnSync(process.execPath, [join(clone, 'bin', 'intake.js'), ...args], { encoding: 'utf8', env: { ...process.env, INTAKE_DATA_DIR: join(clone, 'data') } });

describe('the compiled CLI', () => {
  it('builds itself on first use, then runs the compiled JavaScript (even with the sources gone)', () => {
    expect(existsSync(join(clone, 'out'))).toBe(false);
    const first = intake('--version');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^intake \d+\.\d+\.\d+\n$/);
    const stamp = JSON.parse(readFileSync(join(clone, 'out', 'cli', 'build.json'), 'utf8')) as { inputs: string[] };
    expect(stamp.inputs).toContain('src/cli/main.ts');
    expect(stamp.inputs).toContain('src/main/app/service.ts');

    // Without its TypeScript source, the command still answers: it is the compiled file that runs.
    const source = join(clone, 'src', 'cli', 'main.ts');
    const text = readFileSync(source, 'utf8');
    unlinkSync(source);
    const compiled = intake('--help');
    expect(compiled.status, compiled.stderr).toBe(0);
    expect(compiled.stdout).toMatch(/^Usage:\n {2}intake ingest/);

    // A changed source is compiled again at the next start.
    writeFileSync(source, text.replaceAll('Runs use the library', 'CHANGED: runs use the library'));
    const later = new Date(Date.now() + 60_000);
    utimesSync(source, later, later);
    const rebuilt = intake('--help');
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain('CHANGED: runs use the library');
  });
});
