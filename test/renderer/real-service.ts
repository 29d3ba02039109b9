/**
 * window.api backed by the real application service (dispatch → handlers → engine → a SQLite
 * file in a temp folder): component tests that see what the library really holds, not a fake's
 * own filter and sort.
 */
import { cleanup } from '@testing-library/react';
import type { IntakeApi } from '../../src/shared/contract';
import { dispatch } from '../../src/main/app/dispatch';
import { createIntakeService, type CreateServiceOptions } from '../../src/main/app/service';
import type { IntakeService, Platform } from '../../src/main/app/service-api';
import { resetApiClient } from '../../src/renderer/src/api';
import { resetFailedStore } from '../../src/renderer/src/stores/failed';
import { useToasts } from '../../src/renderer/src/stores/toasts';
import { Workspace } from '../support/workspace';

export interface RealApi {
  ws: Workspace;
  service: IntakeService;
  call<T = unknown>(channel: string, input?: unknown): Promise<T>;
  close(): Promise<void>;
}

const platform: Platform = {
  mode: 'browser',
  chooseFolder: async () => null,
  showInFolder: async () => undefined,
  openExternal: async () => undefined,
  secrets: { description: 'test', encrypt: (s) => Buffer.from(s), decrypt: (b) => Buffer.from(b).toString() },
};

export async function installRealApi(extra: Partial<CreateServiceOptions> = {}): Promise<RealApi> {
  const ws = new Workspace('intake-ui-');
  const service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform, allowedRoots: [ws.root], ...extra });
  const api: IntakeApi = {
    invoke: (channel, input) => dispatch(service.handlers, channel, input) as never,
    on: (event, listener) => service.on(event, listener),
  };
  (globalThis as unknown as { api?: IntakeApi }).api = api;
  const call = async <T,>(channel: string, input: unknown = {}): Promise<T> => {
    const env = await dispatch(service.handlers, channel, input);
    if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
    return env.value as T;
  };
  return {
    ws,
    service,
    call,
    async close() {
      cleanup();
      delete (globalThis as unknown as { api?: IntakeApi }).api;
      resetApiClient();
      resetFailedStore();
      useToasts.getState().clear();
      await service.close();
      await ws.close();
    },
  };
}

/** Runs an ingest through the service and waits for its end. */
export async function ingestNow(real: RealApi, input: Record<string, unknown> = {}): Promise<void> {
  const done = new Promise<void>((resolve) => {
    const off = real.service.on('run.finished', () => {
      off();
      resolve();
    });
  });
  await real.call('ingest.start', { paths: [real.ws.docs], ocr: false, ...input });
  await done;
}
