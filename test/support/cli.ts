import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const INTAKE_BIN = resolve(__dirname, '../../bin/intake.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `intake` as a user would: a separate process, its own environment (no INTAKE_DB, no key
 * unless given). `onStdout` sees output as it comes, with the child, to act mid-run.
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { onStdout?: (chunk: string, child: ChildProcess) => void; onStderr?: (chunk: string, child: ChildProcess) => void; umask?: number } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, INTAKE_DB: undefined, OPENAI_API_KEY: undefined, ...env })) if (v !== undefined) childEnv[k] = v;
    const child = spawn(process.execPath, [INTAKE_BIN, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      opts.onStdout?.(String(d), child);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(String(d), child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}
