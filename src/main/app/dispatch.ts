/**
 * One entry point from the outside world into the handlers: Electron's ipcMain and the
 * browser-mode web server both call dispatch(), so validation and error mapping exist once.
 */
import { z } from 'zod';
import { contract, type Channel, type Envelope, type ErrorBody, type Handlers } from '../../shared/contract';
import { API_ERROR_CODES, ApiError, isIntakeError, type ApiErrorCode } from '../../shared/errors';

const MAX_MESSAGE = 2000;
const MAX_ISSUES = 5;

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** "paths.0: path contains a NUL byte; limit: Too big…" — names the field, not the schema internals. */
export function describeZodError(err: z.ZodError): string {
  const parts = err.issues.slice(0, MAX_ISSUES).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
    return `${where}: ${issue.message}`;
  });
  if (err.issues.length > MAX_ISSUES) parts.push(`and ${err.issues.length - MAX_ISSUES} more`);
  return clip(parts.join('; '));
}

/** A thrown value → {code, message}. Never a stack: that stays in the main process log. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof z.ZodError) return { code: 'invalid_input', message: describeZodError(err) };
  if (isIntakeError(err)) return { code: err.code, message: clip(err.message || err.reason) };
  if (err instanceof ApiError) return { code: err.code, message: clip(err.message) };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    // Another program holding the library's write lock: worth saying so, not "internal".
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return { code: 'library_busy', message: clip(err.message) };
    return { code: isApiErrorCode(code) ? code : 'internal', message: clip(err.message || 'Unexpected error') };
  }
  return { code: 'internal', message: clip(typeof err === 'string' ? err : 'Unexpected error') };
}

function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && (API_ERROR_CODES as readonly string[]).includes(code);
}

function clip(text: string): string {
  const firstLines = text.split('\n    at ')[0];
  return firstLines.length > MAX_MESSAGE ? `${firstLines.slice(0, MAX_MESSAGE)}…` : firstLines;
}

export async function dispatch(handlers: Handlers, channel: string, rawInput: unknown): Promise<Envelope<unknown>> {
  if (typeof channel !== 'string' || !isChannel(channel)) {
    return { ok: false, error: { code: 'unknown_channel', message: `Unknown channel: ${String(channel).slice(0, 100)}` } };
  }
  const parsed = contract[channel].input.safeParse(rawInput === undefined ? {} : rawInput);
  if (!parsed.success) {
    return { ok: false, error: { code: 'invalid_input', message: `${channel}: ${describeZodError(parsed.error)}` } };
  }
  const handler = handlers[channel] as ((input: unknown) => unknown) | undefined;
  if (typeof handler !== 'function') {
    return { ok: false, error: { code: 'not_implemented', message: `${channel} is not available here` } };
  }
  try {
    const value = await handler(parsed.data);
    return { ok: true, value: value === undefined ? null : value };
  } catch (err) {
    const body = toErrorBody(err);
    if (body.code === 'internal') console.error(`[intake] ${channel} failed:`, err);
    return { ok: false, error: body };
  }
}
