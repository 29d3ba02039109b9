// The openai package (≈ 370 KB of JavaScript once bundled), loaded on first use: a CLI run that calls
// no server (a rerun over known files, `failed list`, the local provider) never compiles it.
import type * as Sdk from 'openai';

let loaded: typeof Sdk | undefined;

export async function openaiSdk(): Promise<typeof Sdk> {
  return (loaded ??= await import('openai'));
}

/** The package if it was loaded: before that no error of its classes can exist, so `instanceof` needs none. */
export function loadedSdk(): typeof Sdk | undefined {
  return loaded;
}
