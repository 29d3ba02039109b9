/**
 * Exposes the contract as window.api — invoke, on, pathForFile — and nothing else.
 * Sandboxed preloads are one CommonJS file that may only require 'electron', so the channel
 * list is spelled out here (checked against the contract by the compiler) instead of pulling
 * zod in with the schemas.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { Channel, Envelope, EventName, IntakeApi, IPC_PREFIX } from '../shared/contract';

const PREFIX: typeof IPC_PREFIX = 'intake:';

const CHANNELS = {
  'app.info': true,
  'ingest.preflight': true,
  'ingest.start': true,
  'ingest.pause': true,
  'ingest.resume': true,
  'ingest.cancel': true,
  'ingest.status': true,
  'ingest.inbox': true,
  'runs.list': true,
  'failed.list': true,
  'failed.count': true,
  'failed.get': true,
  'failed.groups': true,
  'failed.reset': true,
  'failed.estimate': true,
  'failed.reprocess': true,
  'documents.list': true,
  'documents.get': true,
  'library.embedding': true,
  'library.reembed': true,
  'db.tables': true,
  'db.rows': true,
  'db.insert': true,
  'db.update': true,
  'db.delete': true,
  'settings.get': true,
  'settings.set': true,
  'settings.testConnection': true,
  'settings.languages': true,
  'settings.addLanguage': true,
  'shell.chooseFolder': true,
  'shell.showInFolder': true,
  'shell.openExternal': true,
  'fs.list': true,
  'watch.list': true,
  'watch.add': true,
  'watch.pause': true,
  'watch.remove': true,
  'coverage.list': true,
} as const satisfies Record<Channel, true>;

const EVENTS = { 'run.progress': true, 'run.finished': true, 'failed.changed': true, 'embed.progress': true, 'watch.changed': true, 'watch.notice': true } as const satisfies Record<EventName, true>;

const has = (table: object, key: unknown): boolean => typeof key === 'string' && Object.prototype.hasOwnProperty.call(table, key);

const api = {
  invoke(channel, input) {
    if (!has(CHANNELS, channel)) {
      const refused: Envelope<never> = { ok: false, error: { code: 'unknown_channel', message: `Unknown channel: ${String(channel)}` } };
      return Promise.resolve(refused);
    }
    return ipcRenderer.invoke(PREFIX + channel, input);
  },
  on(event, listener) {
    if (!has(EVENTS, event) || typeof listener !== 'function') return () => undefined;
    const channel = `${PREFIX}event:${event}`;
    // Wrap so the page never receives the IpcRendererEvent (it carries ipcRenderer's sender).
    const forward = (_event: unknown, payload: unknown): void => listener(payload as never);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
  pathForFile(file) {
    return webUtils.getPathForFile(file);
  },
} satisfies IntakeApi;

contextBridge.exposeInMainWorld('api', api);
