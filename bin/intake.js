#!/usr/bin/env node
// The `intake` command. Runs the TypeScript sources through tsx, so the CLI
// works straight after `npm install` with no build step.
import { register } from 'tsx/esm/api';

// A reader that closes early (`intake failed list | head -1`) is not an error: end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// Lets a read-only command open a library in a folder it may not write (db/connection.ts openReadOnly).
process.env.SQLITE_USE_URI ??= '1';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
