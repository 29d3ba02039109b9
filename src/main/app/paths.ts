import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The app's data folder, the same one Electron's app.getPath('userData') gives
 * for the product name "Intake", so the CLI and browser mode share the app's library.
 */
export function defaultDataDir(): string {
  if (process.env.INTAKE_DATA_DIR) return process.env.INTAKE_DATA_DIR;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Intake');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Intake');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Intake');
}

/**
 * Which library file: the one a caller names (--db), else INTAKE_DB, else intake.db in the data
 * folder. The app, browser mode and the CLI all ask here, so they open the same library.
 */
export function libraryFile(opts: { given?: string; dataDir?: string } = {}): string {
  const file = opts.given || process.env.INTAKE_DB || join(opts.dataDir ?? defaultDataDir(), 'intake.db');
  return resolve(file);
}

/**
 * Browser mode's inbox for dropped files: beside the library in use, so `--db /elsewhere/lib.db`
 * keeps its uploads in /elsewhere/inbox, not in the default data folder.
 */
export function inboxDirFor(dbPath: string): string {
  return join(dirname(dbPath), 'inbox');
}
