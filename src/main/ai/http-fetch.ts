// The fetch the openai client is given: node:http(s) with keep-alive sockets, the answer read whole
// (decompressed, capped) before it is handed over. Node's built-in fetch (undici) spends ≈ 1 ms of
// CPU per call more on a loopback server, building web streams for the request body, a tee of it
// for redirects, a pipe for the cap and a Response around bytes already read: with the openai
// client's own work, ≈ 1.3–2.5 → 0.8–1.0 ms per request (load 8–15). Anything it does not handle
// itself (a streamed request body, a Request object) goes to the built-in fetch.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { answerTooLarge } from './too-large';

/** Idle keep-alive sockets are closed after this long: below the 5 s most servers keep them, so none is reused as it closes. */
const IDLE_SOCKET_MS = 4_000;

const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function requestHeaders(given: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (given instanceof Headers) given.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(given)) for (const [k, v] of given) out[k.toLowerCase()] = v;
  else if (given) for (const [k, v] of Object.entries(given)) out[k.toLowerCase()] = v;
  return out;
}

function bodyBytes(body: BodyInit | null | undefined): Buffer | null | undefined {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return undefined; // a stream, a form, a blob: not ours to send
}

function decoded(res: http.IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return res.pipe(zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  if (encoding === 'deflate') return res.pipe(zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  if (encoding === 'br') return res.pipe(zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }));
  return res;
}

/** Response headers as fetch gives them (repeated ones joined, set-cookie kept apart). */
function responseHeaders(res: http.IncomingMessage): Headers {
  const h = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i], raw[i + 1]);
  return h;
}

/** A fetch for JSON APIs whose answers are read whole and may not exceed `maxBytes` once decompressed. */
export function httpFetch(maxBytes: number): typeof fetch {
  return (input, init = {}) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = bodyBytes(init.body);
    if (body === undefined || (typeof input === 'object' && !(input instanceof URL))) return fetch(input, init);
    const url = new URL(href);
    const agent = agents[url.protocol as keyof typeof agents];
    if (!agent) return fetch(input, init);
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const headers = requestHeaders(init.headers);
      headers['accept-encoding'] ??= url.protocol === 'https:' ? 'br, gzip, deflate' : 'gzip, deflate';
      if (body) headers['content-length'] = String(body.length);
      let settled = false;
      const fail = (e: unknown): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        req.destroy();
        reject(e);
      };
      const onAbort = (): void => fail(abortError(signal!));
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(url, { method: (init.method ?? 'GET').toUpperCase(), headers, agent }, (res) => {
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.destroy();
          return fail(answerTooLarge(href, `declares ${declared} bytes`, maxBytes));
        }
        const chunks: Buffer[] = [];
        let seen = 0;
        const stream = decoded(res);
        stream.on('data', (c: Buffer) => {
          seen += c.length;
          if (seen > maxBytes) {
            stream.destroy();
            res.destroy();
            fail(answerTooLarge(href, `grew past ${maxBytes} bytes once decompressed`, maxBytes));
          } else chunks.push(c);
        });
        stream.once('error', fail);
        res.once('error', fail);
        // The socket closed before the whole answer arrived.
        res.once('close', () => {
          if (!res.complete) fail(Object.assign(new Error('the connection closed in the middle of the answer'), { code: 'ECONNRESET' }));
        });
        stream.once('end', () => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          const status = res.statusCode ?? 0;
          const nullBody = status === 204 || status === 205 || status === 304 || init.method?.toUpperCase() === 'HEAD';
          resolve(new WholeAnswer(nullBody ? null : Buffer.concat(chunks, seen), status, res.statusMessage ?? '', responseHeaders(res), href) as unknown as Response);
        });
      });
      req.once('error', fail);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body ?? undefined);
    });
  };
}

/**
 * An answer already read whole, with the part of Response the openai client reads (status, ok,
 * headers, url, text(), json(); body only if asked): building a real Response wraps the bytes
 * in a web stream only to read them back.
 */
class WholeAnswer {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  private used = false;

  constructor(
    private readonly bytes: Buffer | null,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status <= 299;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.bytes ? new Response(new Uint8Array(this.bytes)).body : null;
  }

  private take(): Buffer {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.bytes ?? Buffer.alloc(0);
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(this.take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  clone(): WholeAnswer {
    if (this.used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new WholeAnswer(this.bytes, this.status, this.statusText, this.headers, this.url);
  }
}
