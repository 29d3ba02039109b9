import { APIConnectionError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, backoffDelay, parseRetryAfter, withRetry, type RetryPolicy } from '../../src/main/ai/retry';
import { openaiSdk } from '../../src/main/ai/sdk';
import { IntakeError } from '../../src/shared/errors';

// The provider loads the client package on first use; errors of its classes exist only after that.
await openaiSdk();

const ctx = { operation: 'classify', model: 'm', baseUrl: 'http://127.0.0.1:1/v1' };

/** A policy whose sleeps are recorded instead of slept. */
function recording(over: Partial<RetryPolicy> = {}): { policy: RetryPolicy; sleeps: number[] } {
  const sleeps: number[] = [];
  const policy: RetryPolicy = { ...DEFAULT_RETRY, random: () => 1, sleep: async (ms) => void sleeps.push(ms), ...over };
  return { policy, sleeps };
}
const status = (code: number, headers: Record<string, string> = {}): APIError => APIError.generate(code, { message: `boom ${code}` }, undefined, new Headers(headers));

describe('the retry loop', () => {
  it('backs off exponentially up to the cap, with jitter between half and all of the step', () => {
    const p = { baseDelayMs: 250, factor: 2, maxDelayMs: 8_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, { ...p, random: () => 1 }))).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(backoffDelay(3, { ...p, random: () => 0 })).toBe(500);
  });

  it('reads Retry-After as seconds, as an HTTP date, and retry-after-ms first', () => {
    const now = Date.UTC(2024, 0, 1, 12, 0, 0);
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }))).toBe(3_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': new Date(now + 5_000).toUTCString() }), now)).toBe(5_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '3', 'retry-after-ms': '120' }))).toBe(120);
    expect(parseRetryAfter(new Headers({}))).toBeUndefined();
  });

  it('sleeps base, 2×base, 4×base between 5xx tries and reports the last status', async () => {
    const { policy, sleeps } = recording({ maxTries: 4 });
    let calls = 0;
    const e = await withRetry(async () => {
      calls++;
      throw status(calls < 4 ? 500 : 502);
    }, ctx, policy).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IntakeError);
    expect((e as IntakeError).reason).toBe('AI server error 502 after 4 tries');
    expect(calls).toBe(4);
    expect(sleeps).toEqual([250, 500, 1_000]);
  });

  it('429s spend no try: three 429s and three 503s still fit in four tries', async () => {
    const { policy, sleeps } = recording({ maxTries: 4 });
    const plan = [429, 503, 429, 503, 429, 503];
    let calls = 0;
    const value = await withRetry(async () => {
      const next = plan[calls++];
      if (next) throw status(next, next === 429 ? { 'retry-after': '2' } : {});
      return 'ok';
    }, ctx, policy);
    expect(value).toBe('ok');
    expect(calls).toBe(7);
    expect(sleeps.filter((ms) => ms === 2_000)).toHaveLength(3);
  });

  it('stops waiting for 429s when the total wait would exceed its budget', async () => {
    const { policy, sleeps } = recording({ max429TotalMs: 5_000 });
    let calls = 0;
    const e = await withRetry(async () => {
      calls++;
      throw status(429, { 'retry-after': '2' });
    }, ctx, policy).catch((x: unknown) => x as IntakeError);
    expect(e.code).toBe('ai_rate_limited');
    expect(e.reason).toBe('AI rate limited after 2 waits (4 s)');
    expect(calls).toBe(3);
    expect(sleeps).toEqual([2_000, 2_000]);
  });

  it('classifies connection errors and does not retry 4xx', async () => {
    const { policy } = recording({ maxTries: 2 });
    let calls = 0;
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const e1 = await withRetry(async () => {
      calls++;
      throw new APIConnectionError({ cause: refused });
    }, ctx, policy).catch((x: unknown) => x as IntakeError);
    expect(e1.code).toBe('ai_connection');
    expect(calls).toBe(2);

    calls = 0;
    const e2 = await withRetry(async () => {
      calls++;
      throw status(422);
    }, ctx, policy).catch((x: unknown) => x as IntakeError);
    expect(e2.code).toBe('ai_bad_output');
    expect(calls).toBe(1);
  });
});
