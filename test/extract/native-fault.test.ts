import { describe, expect, it } from 'vitest';
import { failure, useExtractWorkspace } from './support';

/**
 * A native decoder (canvas, a wasm host) can fault once for reasons outside the
 * file: the file is tried again in a fresh process, and blamed only when it
 * faults twice.
 */
describe('an extractor process that dies of a native fault (SIGSEGV)', () => {
  const ws = useExtractWorkspace('native-fault', { debug: true });

  it('is replaced, and the file is tried once more in the new process', async () => {
    const before = ws.extractor.pids();
    const result = await ws.extractor.debug('debug_segv_once', 60_000);
    expect(result.text).toBe('read after one native fault');
    expect(ws.extractor.pids()).not.toEqual(before);
  });

  it('fails the file as extractor_crashed when it faults again, naming the signal', async () => {
    const err = await failure(ws.extractor.debug('debug_segv', 60_000));
    expect(err.code).toBe('extractor_crashed');
    expect(err.message).toMatch(/SIGSEGV/);
  });
});
