// Retries for every remote AI call. The openai client's own retries are off
// (maxRetries: 0) so that this is the only loop that can spend a user's money.
//
//   429             → wait Retry-After (or a backoff), spends NO try; capped in count and total time
//   5xx, 408        → backoff, spends a try          → ai_server_error / ai_timeout
//   timeout         → backoff, spends a try          → ai_timeout
//   refused / reset → backoff, spends a try          → ai_connection
//   401/403, 404    → at once, not retried           → ai_auth / ai_model_missing
//   other 4xx       → at once                        → ai_bad_output (400/413/422) / unknown
import type { ErrorCode } from '../../shared/domain';
import { IntakeError, errorMessage } from '../../shared/errors';
import { loadedSdk } from './sdk';

export interface RetryPolicy {
  /** Tries in total (first call included) for transient errors other than 429. */
  maxTries: number;
  /** Per-try deadline, ms. */
  timeoutMs: number;
  /** Backoff: base * factor^(try-1), capped, with jitter. */
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** 429 waits spend no try, but a run cannot wait forever either. */
  max429Waits: number;
  max429TotalMs: number;
  /** A single Retry-After longer than this fails at once (the caller may pause instead). */
  max429SingleMs: number;
  /** Injectable for tests. */
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Backoff base for tests that run the CLI or the app as a subprocess (ms). */
const ENV_BASE = process.env.INTAKE_AI_RETRY_BASE_MS ? Number(process.env.INTAKE_AI_RETRY_BASE_MS) : NaN;

export const DEFAULT_RETRY: RetryPolicy = {
  maxTries: 4,
  timeoutMs: 60_000,
  baseDelayMs: Number.isFinite(ENV_BASE) && ENV_BASE >= 0 ? ENV_BASE : 250,
  factor: 2,
  maxDelayMs: 8_000,
  max429Waits: 10,
  max429TotalMs: 120_000,
  max429SingleMs: 60_000,
  random: Math.random,
  sleep: abortableSleep,
};

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What a cancelled call rejects with: the signal's reason (an AbortError by default), never an IntakeError. */
export function abortReason(signal?: AbortSignal): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries never synchronise. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'factor' | 'maxDelayMs' | 'random'>): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * policy.random());
}

/** A failed try, classified. */
export interface AiFailure {
  code: ErrorCode;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  /** Short cause for the reason line: "503", "connection refused", "timed out after 30 s". */
  short: string;
  /** The server's or the socket's own words, for the message. */
  detail: string;
  cause: unknown;
}

/** Parses Retry-After (seconds or an HTTP date) and the non-standard retry-after-ms. */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (raw === null) return undefined;
  const secs = Number(raw);
  if (raw.trim() !== '' && Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function ownError(e: unknown): IntakeError | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    if (cur instanceof IntakeError) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when a socket error sits in the cause chain: a reset or close mid-body reaches us as TypeError("terminated"). */
function isSocketFailure(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_CLOSED|ECONNABORTED)$/.test(code)) return true;
    if (cur instanceof TypeError && cur.message === 'terminated') return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

function connectionCause(e: unknown): string {
  // undici: TypeError('fetch failed') { cause: Error { code: 'ECONNREFUSED' } } — or "other side closed".
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
    cur = (cur as { cause?: unknown }).cause;
  }
  return 'connection failed';
}

function deepMessage(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const m = errorMessage(cur);
    if (m && !parts.includes(m)) parts.push(m);
    cur = (cur as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}

/** Classifies one failed try. `timedOut`: our own per-try deadline fired. */
export function classifyFailure(e: unknown, timedOut: boolean, timeoutMs: number): AiFailure {
  // Our own verdicts (an answer too large) come back wrapped by the client as a connection error.
  const own = ownError(e);
  if (own) return { code: own.code, retryable: own.transient, short: own.reason, detail: own.message, cause: own };
  // The client's error classes: none can be thrown before its package was loaded.
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = loadedSdk() ?? {};
  if (timedOut || (APIConnectionTimeoutError && e instanceof APIConnectionTimeoutError)) {
    return { code: 'ai_timeout', retryable: true, short: `no answer within ${formatMs(timeoutMs)}`, detail: `request timed out after ${timeoutMs} ms`, cause: e };
  }
  if (APIUserAbortError && e instanceof APIUserAbortError) {
    return { code: 'ai_timeout', retryable: true, short: 'request aborted', detail: deepMessage(e), cause: e };
  }
  if (APIConnectionError && e instanceof APIConnectionError) {
    return { code: 'ai_connection', retryable: true, short: connectionCause(e), detail: deepMessage(e), cause: e };
  }
  if (APIError && e instanceof APIError && typeof e.status === 'number') {
    const status = e.status;
    const detail = `HTTP ${status}: ${e.message}`;
    if (status === 429) return { code: 'ai_rate_limited', retryable: true, status, retryAfterMs: parseRetryAfter(e.headers), short: '429', detail, cause: e };
    if (status === 408) return { code: 'ai_timeout', retryable: true, status, short: 'HTTP 408', detail, cause: e };
    if (status >= 500) return { code: 'ai_server_error', retryable: true, status, short: String(status), detail, cause: e };
    if (status === 401 || status === 403) return { code: 'ai_auth', retryable: false, status, short: String(status), detail, cause: e };
    if (status === 404) return { code: 'ai_model_missing', retryable: false, status, short: '404', detail, cause: e };
    if (status === 400 || status === 413 || status === 422) return { code: 'ai_bad_output', retryable: false, status, short: `request rejected (${status})`, detail, cause: e };
    return { code: 'unknown', retryable: false, status, short: `HTTP ${status}`, detail, cause: e };
  }
  // The answer's body broke off (reset, closed) after the headers arrived: as transient as a refused connection.
  if (isSocketFailure(e)) return { code: 'ai_connection', retryable: true, short: 'connection reset during the answer', detail: deepMessage(e), cause: e };
  if (e instanceof SyntaxError) return { code: 'ai_bad_output', retryable: false, short: 'unreadable response', detail: deepMessage(e), cause: e };
  return { code: 'unknown', retryable: false, short: 'unexpected error', detail: deepMessage(e), cause: e };
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

export interface RetryContext {
  /** "classify" / "embeddings" / "models": said in messages. */
  operation: string;
  model: string;
  baseUrl: string;
  signal?: AbortSignal;
}

function finalError(f: AiFailure, ctx: RetryContext, tries: number, extra = ''): IntakeError {
  const after = tries > 1 ? ` after ${tries} tries` : '';
  let reason: string;
  // An IntakeError already carries its own words ("AI answer too large"): no second prefix.
  if (f.cause instanceof IntakeError) return new IntakeError(f.code, f.short, { message: `${f.short}. ${ctx.operation} with model "${ctx.model}" at ${ctx.baseUrl}: ${f.detail}`, cause: f.cause });
  switch (f.code) {
    case 'ai_server_error':
      reason = `AI server error ${f.short}${after}`;
      break;
    case 'ai_timeout':
      reason = `AI timed out (${f.short})${after}`;
      break;
    case 'ai_connection':
      reason = `AI server unreachable (${f.short})${after}`;
      break;
    case 'ai_rate_limited':
      reason = `AI rate limited${extra}`;
      break;
    case 'ai_auth':
      reason = `AI key rejected (${f.short})`;
      break;
    case 'ai_model_missing':
      reason = `AI model "${ctx.model}" not found`;
      break;
    case 'ai_bad_output':
      reason = `AI ${f.short}`;
      break;
    default:
      reason = `AI error: ${f.short}${after}`;
  }
  const message = `${reason}. ${ctx.operation} with model "${ctx.model}" at ${ctx.baseUrl}: ${f.detail}`;
  return new IntakeError(f.code, reason, { message, cause: f.cause, retryAfterMs: f.retryAfterMs });
}

/**
 * Runs `attempt` until it succeeds, a permanent error occurs, or the tries run out.
 * Each try gets its own AbortSignal: it fires on the per-try deadline and on the
 * caller's signal. Cancellation rejects with the caller's abort reason, not an IntakeError.
 */
export async function withRetry<T>(attempt: (signal: AbortSignal, tryNo: number) => Promise<T>, ctx: RetryContext, policy: RetryPolicy): Promise<T> {
  const outer = ctx.signal;
  let tries = 0;
  let waits429 = 0;
  let waited429Ms = 0;
  for (;;) {
    if (outer?.aborted) throw abortReason(outer);
    tries++;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('AI request timed out', 'TimeoutError')), policy.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
    let failure: AiFailure;
    try {
      return await attempt(signal, tries);
    } catch (e) {
      if (outer?.aborted) throw abortReason(outer);
      failure = classifyFailure(e, deadline.signal.aborted, policy.timeoutMs);
    } finally {
      clearTimeout(timer);
    }

    if (failure.code === 'ai_rate_limited') {
      tries--; // a 429 spends no try
      const wait = failure.retryAfterMs ?? backoffDelay(waits429 + 1, policy);
      if (wait > policy.max429SingleMs) throw finalError(failure, ctx, tries, `: the server asked to wait ${formatMs(wait)}`);
      if (waits429 >= policy.max429Waits || waited429Ms + wait > policy.max429TotalMs) {
        throw finalError(failure, ctx, tries, ` after ${waits429} waits (${formatMs(waited429Ms)})`);
      }
      waits429++;
      waited429Ms += wait;
      await policy.sleep(wait, outer);
      continue;
    }
    if (!failure.retryable || tries >= policy.maxTries) throw finalError(failure, ctx, tries);
    await policy.sleep(backoffDelay(tries, policy), outer);
  }
}
