import type { BuildOptions } from 'esbuild';

export const CLI_DIR: string;
/** True when out/cli exists and no source it was built from changed since. */
export function cliIsFresh(): boolean;
/** esbuild's options for bundling `entryPoints` (name → source) into `outdir` as the CLI is bundled. */
export function bundleOptions(entryPoints: Record<string, string>, outdir: string): BuildOptions & { metafile: true };
export function buildCli(): Promise<void>;
