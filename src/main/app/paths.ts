import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

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

export function defaultDbPath(): string {
  return process.env.INTAKE_DB ?? join(defaultDataDir(), 'intake.db');
}

/**
 * Browser mode's inbox for dropped files: beside the library in use, so `--db /elsewhere/lib.db`
 * keeps its uploads in /elsewhere/inbox, not in the default data folder.
 */
export function inboxDirFor(dbPath: string): string {
  return join(dirname(dbPath), 'inbox');
}
