/**
 * The native tools each figure is compared with. On a fresh machine they are
 * missing; as root the bench installs them with apt-get (and says so), else the
 * row prints "native: not available".
 */
import { spawnSync } from 'node:child_process';

export const TOOLS = {
  sha256sum: 'coreutils',
  find: 'findutils',
  pdftotext: 'poppler-utils',
  tesseract: 'tesseract-ocr',
  sqlite3: 'sqlite3',
} as const;
export type Tool = keyof typeof TOOLS;

const APT_PACKAGES = ['poppler-utils', 'tesseract-ocr', 'tesseract-ocr-eng', 'sqlite3'];

export function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

function hasEnglishTesseract(): boolean {
  if (!hasTool('tesseract')) return false;
  const r = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split(/\s+/).includes('eng');
}

/** Which native tools are usable; installs the missing ones when root and apt-get exist. */
export function ensureNativeTools(log: (line: string) => void): Record<Tool, boolean> {
  const check = (): Record<Tool, boolean> => ({
    sha256sum: hasTool('sha256sum'),
    find: hasTool('find'),
    pdftotext: hasTool('pdftotext'),
    tesseract: hasEnglishTesseract(),
    sqlite3: hasTool('sqlite3'),
  });
  let have = check();
  const missing = (Object.keys(have) as Tool[]).filter((t) => !have[t]);
  if (!missing.length) return have;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !hasTool('apt-get')) {
    log(`native tools missing: ${missing.join(', ')} — not root or no apt-get, so those rows print "native: not available"`);
    return have;
  }
  log(`native tools missing: ${missing.join(', ')} — installing with apt-get (root): apt-get update; apt-get install -y -qq ${APT_PACKAGES.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  if (update.status !== 0) log(`apt-get update failed (${update.status}): ${update.stderr.trim().split('\n').pop() ?? ''}`);
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...APT_PACKAGES], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  if (install.status !== 0) log(`apt-get install failed (${install.status}): ${install.stderr.trim().split('\n').pop() ?? ''}`);
  have = check();
  const still = (Object.keys(have) as Tool[]).filter((t) => !have[t]);
  log(still.length ? `still missing after apt-get: ${still.join(', ')}` : 'native tools installed');
  return have;
}

export function toolVersion(tool: Tool): string {
  const args: Record<Tool, string[]> = { sha256sum: ['--version'], find: ['--version'], pdftotext: ['-v'], tesseract: ['--version'], sqlite3: ['--version'] };
  const r = spawnSync(tool, args[tool], { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => l.trim())?.trim() ?? '?';
}
