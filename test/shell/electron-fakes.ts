/** Minimal stand-ins for Electron objects, enough for the shell's hardening code. */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type { Session, WebContents, WebFrameMain } from 'electron';

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  frameTreeNodeId: number;
}

export function fakeFrame(url: string, parent: FakeFrame | null = null, id = 1): FakeFrame {
  return { url, parent, frameTreeNodeId: id };
}

export class FakeWebContents extends EventEmitter {
  mainFrame: FakeFrame;
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send = vi.fn();
  constructor(url: string) {
    super();
    this.mainFrame = fakeFrame(url);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  /** Emits a cancellable navigation event the way Electron does; returns whether it was prevented. */
  navigate(event: string, url: string, extra: Record<string, unknown> = {}): boolean {
    let prevented = false;
    this.emit(event, { url, isMainFrame: true, ...extra, preventDefault: () => (prevented = true) });
    return prevented;
  }
  asElectron(): WebContents {
    return this as unknown as WebContents;
  }
}

export function ipcEvent(sender: FakeWebContents, frame: FakeFrame | null): { sender: WebContents; senderFrame: WebFrameMain | null } {
  return { sender: sender.asElectron(), senderFrame: frame as unknown as WebFrameMain | null };
}

export interface FakeSession {
  session: Session;
  requestHandler?: (wc: unknown, permission: string, cb: (granted: boolean) => void, details: { requestingUrl?: string }) => void;
  checkHandler?: (wc: unknown, permission: string, origin: string, details: { requestingUrl?: string }) => boolean;
  headersHandler?: (details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void;
}

export function fakeSession(): FakeSession {
  const fake: FakeSession = { session: undefined as unknown as Session };
  fake.session = {
    setPermissionRequestHandler: (h: FakeSession['requestHandler']) => (fake.requestHandler = h),
    setPermissionCheckHandler: (h: FakeSession['checkHandler']) => (fake.checkHandler = h),
    webRequest: { onHeadersReceived: (h: FakeSession['headersHandler']) => (fake.headersHandler = h) },
  } as unknown as Session;
  return fake;
}
