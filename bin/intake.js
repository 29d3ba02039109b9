#!/usr/bin/env node
// The `intake` command. Runs the CLI compiled to JavaScript (out/cli, by scripts/build-cli.mjs),
// building it first when it is missing or older than its sources (a fresh clone, a `git pull`),
// so it works straight after `npm install`. Only when it cannot be built (a read-only copy) does
// it run the TypeScript sources through tsx, as before.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// A reader that closes early (`intake failed list | head -1`) is not an error: end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// Lets a read-only command open a library in a folder it may not write (db/connection.ts openReadOnly).
process.env.SQLITE_USE_URI ??= '1';

const compiled = new URL('../out/cli/intake.js', import.meta.url);
const { cliIsFresh, buildCli } = await import('../scripts/build-cli.mjs').catch(() => ({ cliIsFresh: () => existsSync(compiled), buildCli: null }));
if (!cliIsFresh() && buildCli) await buildCli().catch(() => undefined);

let main;
if (existsSync(compiled)) {
  ({ main } = await import(pathToFileURL(compiled.pathname).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
