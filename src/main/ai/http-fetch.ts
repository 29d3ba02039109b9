// The fetch the openai client is given: node:http(s) with keep-alive sockets, the answer read whole
// (decompressed, capped) before it is handed over as a Response. Node's built-in fetch (undici)
// spends ≈ 1.5 ms of CPU per call on a loopback server building web streams for the request body,
// a tee of it for redirects and a pipe for the cap; this spends ≈ 0.5 ms. Anything it does not
// handle itself (a streamed request body) goes to the built-in fetch.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { IntakeError } from '../../shared/errors';

/** Idle keep-alive sockets are closed after this long: below the 5 s most servers keep them, so none is reused as it closes. */
const IDLE_SOCKET_MS = 4_000;

const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

/** The error for an answer over the cap: the client hands it back as the cause of a connection error. */
export function answerTooLarge(url: string, what: string, maxBytes: number): IntakeError {
  return new IntakeError('ai_response_too_large', 'AI answer too large', {
    message: `The answer from ${url} ${what}, more than the ${Math.round(maxBytes / 1048576)} MiB an answer may have; it was not read.`,
  });
}

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
          try {
            resolve(new Response(nullBody ? null : Buffer.concat(chunks, seen), { status, statusText: res.statusMessage, headers: responseHeaders(res) }));
          } catch (e) {
            reject(e); // a status fetch cannot represent (below 200, above 599)
          }
        });
      });
      req.once('error', fail);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body ?? undefined);
    });
  };
}
