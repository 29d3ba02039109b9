import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contract, EVENT_NAMES } from '../../src/shared/contract';
import { FakeWebContents, fakeFrame, ipcEvent } from './electron-fakes';
import { fakeService } from './fake-service';

type Handler = (event: unknown, input: unknown) => Promise<unknown>;
const handlers = vi.hoisted(() => new Map<string, (event: unknown, input: unknown) => Promise<unknown>>());
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerIpc, eventChannel } = await import('../../src/main/ipc');
const { appLocation } = await import('../../src/main/security');

const rendererDir = path.resolve('/opt/intake/out/renderer');
const appUrl = 'app://intake/index.html';

describe('ipc: the contract on ipcMain, behind the sender check', () => {
  beforeEach(() => handlers.clear());

  function setup() {
    const service = fakeService();
    const win = new FakeWebContents(appUrl);
    const unregister = registerIpc({ service, getContents: () => win.asElectron(), location: appLocation(rendererDir) });
    return { service, win, unregister };
  }

  it('registers exactly one intake: handler per contract channel', () => {
    setup();
    expect([...handlers.keys()].sort()).toEqual(Object.keys(contract).map((c) => `intake:${c}`).sort());
  });

  it('dispatches a trusted call and returns the envelope', async () => {
    const { service, win } = setup();
    service.handlers['failed.count'].mockResolvedValue(7);
    const result = await handlers.get('intake:failed.count')?.(ipcEvent(win, win.mainFrame), {});
    expect(result).toEqual({ ok: true, value: 7 });
  });

  it('validates input before the handler', async () => {
    const { service, win } = setup();
    const result = await handlers.get('intake:ingest.start')?.(ipcEvent(win, win.mainFrame), { paths: ['/a\0'] });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(service.handlers['ingest.start']).not.toHaveBeenCalled();
  });

  it('rejects IPC from a subframe, another window or a foreign page without calling the handler', async () => {
    const { service, win } = setup();
    const stranger = new FakeWebContents(appUrl);
    const calls = [
      ipcEvent(win, fakeFrame(appUrl, win.mainFrame, 5)),
      ipcEvent(stranger, stranger.mainFrame),
      ipcEvent(win, fakeFrame('https://evil.example/', null, 1)),
      ipcEvent(win, null),
    ];
    for (const event of calls) {
      const result = await handlers.get('intake:db.delete')?.(event, { table: 'failed_files', id: 1 });
      expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: 'IPC from an unexpected sender' } });
    }
    expect(service.handlers['db.delete']).not.toHaveBeenCalled();
  });

  it('forwards every service event to the window, and stops when unregistered', () => {
    const { service, win, unregister } = setup();
    service.emit('failed.changed', { count: 3 });
    expect(win.send).toHaveBeenCalledWith(eventChannel('failed.changed'), { count: 3 });
    expect(service.listenerCount()).toBe(EVENT_NAMES.length);
    win.destroyed = true;
    service.emit('failed.changed', { count: 4 });
    expect(win.send).toHaveBeenCalledTimes(1);
    unregister();
    expect(handlers.size).toBe(0);
    expect(service.listenerCount()).toBe(0);
  });
});
