// Electron fuses for a packaged Intake, flipped in the packaged binary before it is signed:
//   electron-builder: `"afterPack": "scripts/fuses.mjs"` (the default export below);
//   any other packager: `npm run fuses -- <packaged binary or .app>`.
// The settings are read back after writing; a binary whose fuses cannot be set fails the package step.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fuses from '@electron/fuses';

const { flipFuses, getCurrentFuseWire, FuseV1Options, FuseVersion } = fuses;

/** What Intake turns off (and on) in its Electron binary, and why, in one line each. */
export const INTAKE_FUSES = {
  // ELECTRON_RUN_AS_NODE would make the signed binary a general Node; extractors are utility processes.
  [FuseV1Options.RunAsNode]: false,
  // Cookies on disk encrypted with the OS key (the app sets none, but Chromium's store exists).
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS=--require evil.js must not inject code into the app.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect / --inspect-brk would open a debugger into the main process, which holds the library and the key.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // The app.asar's integrity is checked against the signed header (macOS, Windows).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Load the app only from app.asar: no loose `app/` folder next to the binary can replace it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Intake ships no browser-specific V8 snapshot.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The renderer comes from app://, so file:// needs none of its legacy extra privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

const STATE = { 48: 'off', 49: 'on', 114: 'removed', 144: 'inherit' };

/** Flips Intake's fuses in `binary` (an Electron executable, or a macOS .app) and checks them back. */
export async function flipIntakeFuses(binary, { resetAdHocDarwinSignature = false } = {}) {
  await flipFuses(binary, { version: FuseVersion.V1, resetAdHocDarwinSignature, ...INTAKE_FUSES });
  const wire = await getCurrentFuseWire(binary);
  const report = {};
  for (const [index, wanted] of Object.entries(INTAKE_FUSES)) {
    const name = FuseV1Options[index];
    const state = STATE[wire[index]] ?? `byte ${wire[index]}`;
    // A fuse this Electron no longer has ('removed') cannot be set, and is no risk either.
    if (state !== 'removed' && state !== (wanted ? 'on' : 'off')) throw new Error(`fuse ${name} is ${state} after flipping, expected ${wanted ? 'on' : 'off'}`);
    report[name] = state;
  }
  return report;
}

/** The packaged executable electron-builder just wrote, from its afterPack context. */
export function packagedBinary(context) {
  const product = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(context.appOutDir, `${product}.app`);
    case 'win32':
      return path.join(context.appOutDir, `${product}.exe`);
    default:
      return path.join(context.appOutDir, context.packager.executableName ?? product);
  }
}

/** electron-builder's afterPack hook. */
export default async function afterPack(context) {
  const arm64Mac = (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') && context.arch === 3; // Arch.arm64
  return flipIntakeFuses(packagedBinary(context), { resetAdHocDarwinSignature: arm64Mac });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const binary = process.argv[2];
  if (!binary) {
    console.error('usage: npm run fuses -- <packaged Electron binary or .app>');
    process.exit(1);
  }
  try {
    const report = await flipIntakeFuses(path.resolve(binary));
    for (const [name, state] of Object.entries(report)) console.log(`${name}: ${state}`);
  } catch (err) {
    console.error(`intake fuses: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
