/**
 * Exposes the contract as window.api — invoke, on, pathForFile — and nothing else.
 * The allow-lists are the contract's own tables (bundled into this one CommonJS file,
 * which may only require 'electron').
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { contract, events, IPC_PREFIX, type Envelope, type IntakeApi } from '../shared/contract';

const has = (table: object, key: unknown): boolean => typeof key === 'string' && Object.prototype.hasOwnProperty.call(table, key);

const api = {
  invoke(channel, input) {
    if (!has(contract, channel)) {
      const refused: Envelope<never> = { ok: false, error: { code: 'unknown_channel', message: `Unknown channel: ${String(channel)}` } };
      return Promise.resolve(refused);
    }
    return ipcRenderer.invoke(IPC_PREFIX + channel, input);
  },
  on(event, listener) {
    if (!has(events, event) || typeof listener !== 'function') return () => undefined;
    const channel = `${IPC_PREFIX}event:${event}`;
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
