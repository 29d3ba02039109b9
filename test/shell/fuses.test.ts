// The fuses step run for real on a stand-in binary: the bytes of a file that carries Electron's
// fuse wire (sentinel, version 1, length, one byte per fuse), as the packaged executable does.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const script = path.resolve(__dirname, '../../scripts/fuses.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'intake-fuses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Electron's defaults: RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on; the rest off. */
function fakeElectron(file: string, wire = '10110001'): string {
  const body = Buffer.concat([Buffer.alloc(4096, 0x7f), Buffer.from(SENTINEL), Buffer.from([1, wire.length]), Buffer.from(wire), Buffer.alloc(4096, 0x7f)]);
  writeFileSync(file, body);
  return file;
}

function wireOf(file: string): string {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length;
  return bytes.subarray(at + 2, at + 2 + bytes[at + 1]).toString('latin1');
}

describe('the packaged binary gets its fuses flipped', () => {
  it('turns off run-as-node, NODE_OPTIONS, --inspect and file:// privileges; turns on cookie encryption, asar-only and asar integrity', async () => {
    const binary = fakeElectron(path.join(dir, 'intake'));
    const { stdout } = await run(process.execPath, [script, binary]);
    // RunAsNode, CookieEncryption, NodeOptions, Inspect, AsarIntegrity, OnlyAsar, V8Snapshot, FileProtocolPrivileges
    expect(wireOf(binary)).toBe('01001100');
    expect(stdout).toContain('RunAsNode: off');
    expect(stdout).toContain('EnableCookieEncryption: on');
    expect(stdout).toContain('EnableNodeOptionsEnvironmentVariable: off');
    expect(stdout).toContain('EnableNodeCliInspectArguments: off');
    expect(stdout).toContain('OnlyLoadAppFromAsar: on');
    expect(stdout).toContain('GrantFileProtocolExtraPrivileges: off');
    // Everything but the wire is left as it was.
    expect(readFileSync(binary).length).toBe(4096 * 2 + SENTINEL.length + 2 + 8);
  });

  it('is electron-builder’s afterPack hook: the executable in appOutDir, per platform', async () => {
    const { default: afterPack, packagedBinary } = await import('../../scripts/fuses.mjs');
    const out = mkdtempSync(path.join(dir, 'linux-unpacked-'));
    fakeElectron(path.join(out, 'intake'));
    const context = { appOutDir: out, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'intake', appInfo: { productFilename: 'Intake' } } };
    await afterPack(context);
    expect(wireOf(path.join(out, 'intake'))).toBe('01001100');
    expect(packagedBinary({ ...context, electronPlatformName: 'win32' })).toBe(path.join(out, 'Intake.exe'));
    expect(packagedBinary({ ...context, electronPlatformName: 'darwin' })).toBe(path.join(out, 'Intake.app'));
  });

  it('fails the package step when the binary has no fuse wire, or no path is given', async () => {
    const notElectron = path.join(dir, 'not-electron');
    writeFileSync(notElectron, 'just some bytes');
    await expect(run(process.execPath, [script, notElectron])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('Could not find sentinel') });
    await expect(run(process.execPath, [script])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('usage: npm run fuses') });
  });
});
