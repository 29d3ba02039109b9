import { describe, expect, it, vi } from 'vitest';
import { contract, EVENT_NAMES, type IntakeApi } from '../../src/shared/contract';

const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    exposed: new Map<string, unknown>(),
    listeners,
    invoke: vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } })),
  };
});
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      const set = electron.listeners.get(channel) ?? new Set();
      set.add(fn);
      electron.listeners.set(channel, set);
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => electron.listeners.get(channel)?.delete(fn),
  },
  webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
}));

await import('../../src/preload/index');
const api = electron.exposed.get('api') as IntakeApi;

describe('preload: window.api is the contract and nothing else', () => {
  it('exposes exactly invoke, on and pathForFile', () => {
    expect([...electron.exposed.keys()]).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'pathForFile']);
  });

  it('invokes every contract channel as intake:<channel>', async () => {
    for (const channel of Object.keys(contract)) {
      await api.invoke(channel as 'app.info', {});
      expect(electron.invoke).toHaveBeenLastCalledWith(`intake:${channel}`, {});
    }
  });

  it('refuses channels outside the contract without touching IPC', async () => {
    electron.invoke.mockClear();
    for (const channel of ['evil', '__proto__', 'toString', 'event:run.progress']) {
      const result = await api.invoke(channel as 'app.info', {});
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    }
    expect(electron.invoke).not.toHaveBeenCalled();
  });

  it('subscribes only to contract events, hands over just the payload, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = api.on('run.progress', (payload) => seen.push(payload));
    const [forward] = electron.listeners.get('intake:event:run.progress') ?? [];
    forward({ sender: 'ipcRenderer internals' }, { done: 1 });
    expect(seen).toEqual([{ done: 1 }]);
    off();
    expect(electron.listeners.get('intake:event:run.progress')?.size).toBe(0);
    api.on('not.an.event' as 'run.progress', () => undefined);
    expect(electron.listeners.has('intake:event:not.an.event')).toBe(false);
    expect(EVENT_NAMES.every((name) => typeof name === 'string')).toBe(true);
  });

  it('gives the path of a dropped file through webUtils', () => {
    expect(api.pathForFile?.({ name: 'a.pdf' } as File)).toBe('/dropped/a.pdf');
  });
});
