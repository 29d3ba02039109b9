/**
 * The renderer's only door to the main process. In Electron the preload exposes
 * `window.api`; in browser mode we build the same client over HTTP + WebSocket.
 */
import { TOKEN_FRAGMENT_KEY, WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/browser-auth';
import type { Channel, Envelope, EventName, Events, Input, IntakeApi, Output } from '../../shared/contract';
import type { ApiErrorCode } from '../../shared/errors';
import { encodeInboxManifest, INBOX_UPLOAD_PATH, INBOX_UPLOAD_TYPE } from '../../shared/inbox-upload';

/** An error that crossed the IPC boundary: a stable code plus a human message. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly channel: string;
  constructor(code: ApiErrorCode, message: string, channel: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.channel = channel;
  }
}

function windowApi(): IntakeApi | undefined {
  return (globalThis as unknown as { api?: IntakeApi }).api;
}

/** Browser mode's client: the contract, plus dropped files streamed to the inbox. */
export interface BrowserClient extends IntakeApi {
  uploadToInbox(files: InboxUpload[]): Promise<Envelope<{ folder: string; files: number }>>;
}

export interface InboxUpload {
  relativePath: string;
  file: Blob;
}

let browserClient: BrowserClient | null = null;

/** The preload's API when present, otherwise the HTTP/WebSocket client. */
export function getApi(): IntakeApi {
  const native = windowApi();
  if (native) return native;
  browserClient ??= createBrowserClient();
  return browserClient;
}

/** Invokes a channel and unwraps the envelope; failures throw an ApiError with the code. */
export async function call<C extends Channel>(channel: C, input: Input<C>): Promise<Output<C>> {
  let envelope: Envelope<Output<C>>;
  try {
    envelope = await getApi().invoke(channel, input);
  } catch (e) {
    throw new ApiError('transport', e instanceof Error ? e.message : String(e), channel);
  }
  if (!envelope || typeof envelope !== 'object') throw new ApiError('bad_response', `No answer from ${channel}`, channel);
  if (envelope.ok) return envelope.value;
  throw new ApiError(envelope.error?.code ?? 'bad_response', envelope.error?.message ?? 'Unknown error', channel);
}

/**
 * Browser mode: dropped files go to the inbox in one request whose body is a manifest line and
 * the files themselves (a Blob of Files: the browser streams them from disk, nothing is base64).
 */
export async function uploadFiles(files: InboxUpload[]): Promise<{ folder: string; files: number }> {
  if (windowApi()) throw new ApiError('not_supported', 'The desktop app ingests dropped files from where they are', 'inbox');
  browserClient ??= createBrowserClient();
  let envelope: Envelope<{ folder: string; files: number }>;
  try {
    envelope = await browserClient.uploadToInbox(files);
  } catch (e) {
    throw new ApiError('transport', e instanceof Error ? e.message : String(e), 'inbox');
  }
  if (envelope.ok) return envelope.value;
  throw new ApiError(envelope.error?.code ?? 'bad_response', envelope.error?.message ?? 'Unknown error', 'inbox');
}

/** Listens to a push event; returns the unsubscribe function. */
export function subscribe<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
  return getApi().on(event, listener);
}

/** Electron only: the filesystem path of a dropped File, or null when the host cannot tell. */
export function pathForFile(file: File): string | null {
  const fn = windowApi()?.pathForFile;
  if (!fn) return null;
  try {
    return fn(file) || null;
  } catch {
    return null;
  }
}

/** True when dropped files carry real paths (Electron); false in browser mode. */
export function canResolveDroppedPaths(): boolean {
  return typeof windowApi()?.pathForFile === 'function';
}

/** Test hook: forget the cached browser client. */
export function resetApiClient(): void {
  browserClient = null;
}

function isEnvelope(v: unknown): v is Envelope<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean';
}

type AnyListener = (payload: unknown) => void;

const TOKEN_STORAGE_KEY = 'intake.token';

/**
 * Browser mode's token: taken from the URL fragment (`/#token=…`) the first time, which is then
 * cleared from the address bar (and so from history and bookmarks); kept in sessionStorage, which
 * is per origin (port included) and per tab, so a reload still works. Never a cookie.
 */
export function takeBrowserToken(): string | null {
  if (typeof location === 'undefined') return null;
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get(TOKEN_FRAGMENT_KEY);
  if (fromUrl) {
    fragment.delete(TOKEN_FRAGMENT_KEY);
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    try {
      sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // storage disabled: the token lives in memory only
    }
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Browser mode: every request carries `Authorization: Bearer`, the socket a `bearer.` subprotocol. */
export function createBrowserClient(token: string | null = takeBrowserToken()): BrowserClient {
  const listeners = new Map<EventName, Set<AnyListener>>();
  let socket: WebSocket | null = null;
  let retryMs = 500;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const hasListeners = () => [...listeners.values()].some((s) => s.size > 0);

  const connect = () => {
    if (socket || typeof WebSocket === 'undefined') return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/api/events`, token ? [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${token}`] : [WS_PROTOCOL]);
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
    };
    ws.onmessage = (msg) => {
      let data: { event?: EventName; payload?: unknown };
      try {
        data = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if (!data.event) return;
      for (const fn of listeners.get(data.event) ?? []) fn(data.payload);
    };
    ws.onclose = () => {
      socket = null;
      // Reconnect while someone is listening: the server may have restarted.
      if (hasListeners() && !retryTimer) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          if (hasListeners()) connect();
        }, retryMs);
        retryMs = Math.min(retryMs * 2, 10_000);
      }
    };
  };

  const headers = (contentType: string): Record<string, string> => ({ 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) });
  const envelopeOf = async <T,>(res: Response): Promise<Envelope<T>> => {
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    if (isEnvelope(body)) return body as Envelope<T>;
    const message = res.status === 401 ? 'Not authorised: open the link printed by `intake serve` (it carries the token).' : `HTTP ${res.status} ${res.statusText}`.trim();
    return { ok: false, error: { code: res.status === 401 ? 'unauthorized' : 'http_error', message } };
  };

  return {
    async invoke(channel, input) {
      const res = await fetch(`/api/invoke/${encodeURIComponent(channel)}`, {
        method: 'POST',
        credentials: 'omit',
        headers: headers('application/json'),
        body: JSON.stringify(input ?? {}),
      });
      return envelopeOf<Output<typeof channel>>(res);
    },
    async uploadToInbox(files) {
      const manifest = encodeInboxManifest(files.map((f) => ({ relativePath: f.relativePath, size: f.file.size })));
      const res = await fetch(INBOX_UPLOAD_PATH, {
        method: 'POST',
        credentials: 'omit',
        headers: headers(INBOX_UPLOAD_TYPE),
        body: new Blob([manifest, ...files.map((f) => f.file)]),
      });
      return envelopeOf<{ folder: string; files: number }>(res);
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as AnyListener);
      connect();
      return () => {
        set.delete(listener as AnyListener);
      };
    },
  };
}
