import { describe, expect, it } from 'vitest';
import { failure, useExtractWorkspace } from './support';

/**
 * The text limit guards against a stuck extractor, not a long document: a job
 * that keeps reporting progress (a long PDF's pages) gets the limit again, up
 * to `textProgressFactor` times in all; a job that goes quiet is still stopped.
 */
describe('the text limit counts time without progress', () => {
  // The debug job takes 40 steps of 100 ms and reports progress as it goes: 4 s in all.
  const renewed = useExtractWorkspace('progress', { debug: true, textTimeoutMs: 1500, textProgressFactor: 100 });
  const capped = useExtractWorkspace('progress-capped', { debug: true, textTimeoutMs: 1500, textProgressFactor: 2 });

  it('a job that keeps making progress runs past the limit to its end', async () => {
    const started = Date.now();
    const result = await renewed.extractor.debug('debug_progress', 1500);
    expect(Date.now() - started).toBeGreaterThan(1500);
    expect(result.text).toBe('done after 40 steps');
  });

  it('a job that makes progress still stops at the limit × textProgressFactor, and says so', async () => {
    const err = await failure(capped.extractor.debug('debug_progress', 1500));
    expect(err.code).toBe('extractor_crashed');
    expect(err.message).toMatch(/no progress for 1500 ms \(or ran past 3000 ms in all\); the extractor was restarted/);
  });
});
