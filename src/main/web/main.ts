/**
 * Browser mode entry: the real service with the headless Platform (app/platform.ts, shared with the CLI), served by startWebServer.
 * Used by `intake serve`, by `npm start` where Electron is missing, and by the e2e tests.
 * Run directly: `tsx src/main/web/main.ts [--port N] [--db FILE] [--data-dir DIR]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir, libraryFile } from '../app/paths';
import type { IntakeService } from '../app/service-api';
import { headlessPlatform } from '../app/platform';
import { startWebServer, type WebServer } from './server';

export interface BrowserModeOptions {
  port?: number;
  dbPath?: string;
  dataDir?: string;
  /** Defaults to <repo>/out/renderer, or INTAKE_RENDERER_DIR. */
  rendererDir?: string;
  /** Where the "Intake is running at …" line goes; null for silence. */
  log?: ((line: string) => void) | null;
}

export interface BrowserMode {
  url: string;
  server: WebServer;
  service: IntakeService;
  close(): Promise<void>;
}

/** The folder holding package.json, found from this file (works from src/ and out/). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'node_modules'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function defaultRendererDir(): string {
  return process.env.INTAKE_RENDERER_DIR ? path.resolve(process.env.INTAKE_RENDERER_DIR) : path.join(packageRoot(), 'out', 'renderer');
}

export async function runBrowserMode(opts: BrowserModeOptions = {}): Promise<BrowserMode> {
  const dataDir = path.resolve(opts.dataDir ?? defaultDataDir());
  const dbPath = libraryFile({ given: opts.dbPath, dataDir });
  const rendererDir = opts.rendererDir ?? defaultRendererDir();
  const log = opts.log === undefined ? (line: string) => console.log(line) : opts.log;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 });
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    log?.(`The renderer is not built (${rendererDir}); run \`npm run build\` first.`);
  }

  const { createIntakeService } = await import('../app/service');
  const service = await createIntakeService({ dbPath, dataDir, platform: headlessPlatform(dataDir), version: readVersion() });
  let server: WebServer;
  try {
    server = await startWebServer({ service, port: opts.port, host: '127.0.0.1', rendererDir });
  } catch (err) {
    await service.close();
    throw err;
  }
  log?.(`Intake is running at ${server.url}`);
  let closing: Promise<void> | null = null;
  return {
    url: server.url,
    server,
    service,
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await service.close();
      })()),
  };
}

function readVersion(): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function parseArgs(argv: string[]): BrowserModeOptions {
  const opts: BrowserModeOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--port':
        opts.port = Number(value);
        if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error(`--port expects a port number, got ${value}`);
        i++;
        break;
      case '--db':
        opts.dbPath = value;
        i++;
        break;
      case '--data-dir':
        opts.dataDir = value;
        i++;
        break;
      default:
        throw new Error(`Unknown option ${argv[i]} (expected --port N, --db FILE, --data-dir DIR)`);
    }
  }
  return opts;
}

const runDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (runDirectly) {
  runBrowserMode(parseArgs(process.argv.slice(2))).then(
    (mode) => {
      const stop = (): void => {
        void mode.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      console.error(`intake: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
