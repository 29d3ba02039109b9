/** An in-memory window.api for renderer tests: a few channels, recorded calls, and an event emitter. */
import { act, cleanup } from '@testing-library/react';
import type { Channel, EventName, Events, Input, IntakeApi, Output } from '../../src/shared/contract';
import type { ApiErrorCode } from '../../src/shared/errors';
import type { FailedFile, FailedFilter, Settings, Stage } from '../../src/shared/domain';
import { resetApiClient } from '../../src/renderer/src/api';
import { resetFailedStore } from '../../src/renderer/src/stores/failed';
import { useToasts } from '../../src/renderer/src/stores/toasts';

type Handler<C extends Channel> = (input: Input<C>) => Output<C> | Promise<Output<C>>;
export type FakeHandlers = { [C in Channel]?: Handler<C> };

export class FakeError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeApi {
  api: IntakeApi;
  calls: { channel: Channel; input: unknown }[];
  callsTo<C extends Channel>(channel: C): Input<C>[];
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  handlers: FakeHandlers;
}

export function installFakeApi(handlers: FakeHandlers = {}): FakeApi {
  const calls: { channel: Channel; input: unknown }[] = [];
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const api: IntakeApi = {
    async invoke(channel, input) {
      calls.push({ channel, input });
      const h = handlers[channel] as Handler<typeof channel> | undefined;
      if (!h) return { ok: false, error: { code: 'not_implemented', message: `fake has no ${channel}` } };
      try {
        return { ok: true, value: await h(input) };
      } catch (e) {
        const code: ApiErrorCode = e instanceof FakeError ? e.code : 'internal';
        return { ok: false, error: { code, message: e instanceof Error ? e.message : String(e) } };
      }
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  (globalThis as unknown as { api?: IntakeApi }).api = api;
  return {
    api,
    calls,
    handlers,
    callsTo<C extends Channel>(channel: C) {
      return calls.filter((c) => c.channel === channel).map((c) => c.input as Input<C>);
    },
    emit(event, payload) {
      act(() => {
        for (const fn of listeners.get(event) ?? []) fn(payload);
      });
    },
  };
}

export function uninstallFakeApi(): void {
  cleanup();
  delete (globalThis as unknown as { api?: IntakeApi }).api;
  resetApiClient();
  resetFailedStore();
  useToasts.getState().clear();
}

/** jsdom lays nothing out; give scroll containers a size so the virtualizer renders rows. */
export function fakeLayout(height = 600, width = 900): void {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => width });
}

const STAGE_CYCLE: Stage[] = ['extract_text', 'ocr', 'classify'];

export function makeFailedRows(n: number): FailedFile[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    filePath: `/docs/file-${String(i + 1).padStart(5, '0')}.pdf`,
    filename: `file-${String(i + 1).padStart(5, '0')}.pdf`,
    fileHash: `hash${i + 1}`,
    stage: STAGE_CYCLE[i % 3],
    reason: i % 3 === 1 ? 'No text layer and OCR is off' : 'PDF is damaged',
    errorType: 'IntakeError',
    errorMessage: `detail for ${i + 1}`,
    failedAt: now - i * 60,
    attempts: 1 + (i % 4),
    firstFailedAt: now - i * 60 - 3600,
    runId: 1,
    failureClass: i % 3 === 1 ? 'config' : 'input',
    errorCode: i % 3 === 1 ? 'ocr_no_text' : 'pdf_corrupt',
    fingerprint: { ocr: false },
    eligibleForRetry: i % 3 === 1 ? 'OCR is on now' : null,
  }));
}

/** failed.list over an in-memory array: the same filter, sort and paging as the engine. */
export function failedListHandler(rows: FailedFile[]): Handler<'failed.list'> {
  return (input) => {
    const { offset = 0, limit = 100, sort = 'failed_at', dir = 'desc', filter = {} } = input;
    const matching = applyFilter(rows, filter);
    const key: Record<string, keyof FailedFile> = { failed_at: 'failedAt', filename: 'filename', stage: 'stage', reason: 'reason', attempts: 'attempts', error_code: 'errorCode', first_failed_at: 'firstFailedAt' };
    const k = key[sort];
    const sorted = [...matching].sort((a, b) => {
      const x = a[k] as string | number;
      const y = b[k] as string | number;
      const c = x < y ? -1 : x > y ? 1 : a.id - b.id;
      return dir === 'asc' ? c : -c;
    });
    return { rows: sorted.slice(offset, offset + limit), total: sorted.length };
  };
}

export function applyFilter(rows: FailedFile[], f: FailedFilter): FailedFile[] {
  return rows.filter((r) => (!f.stage || r.stage === f.stage) && (!f.errorCode || r.errorCode === f.errorCode) && (!f.failureClass || r.failureClass === f.failureClass) && (!f.q || r.filename.includes(f.q)));
}

export function makeSettings(patch: Partial<Settings> = {}): Settings {
  return {
    ai: { provider: 'openai', baseUrl: 'https://ai.example/v1', chatModel: 'gpt-x', embedModel: 'embed-x', timeoutMs: 30_000, maxRetries: 3, hasApiKey: false },
    ocrLanguages: ['eng'],
    concurrency: 4,
    skipFailed: true,
    ocr: true,
    ocrPageCap: 50,
    ocrTimeoutMs: 120_000,
    followSymlinks: false,
    ...patch,
  };
}
