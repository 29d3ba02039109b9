/**
 * Browser mode: the built renderer and the same contract over HTTP + WebSocket on loopback.
 * A random token per start guards every /api request and the events socket. It is never a
 * cookie (cookies cross ports on 127.0.0.1): the printed URL carries it in its fragment, which
 * no server and no Referer sees; the page keeps it in memory and sends `Authorization: Bearer`
 * (and, for the WebSocket, a `bearer.<token>` subprotocol). Host and Origin checks stop DNS
 * rebinding and other sites' pages.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { TOKEN_FRAGMENT_KEY, WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/browser-auth';
import { EVENT_NAMES, type Envelope } from '../../shared/contract';
import type { ApiErrorCode } from '../../shared/errors';
import { INBOX_MANIFEST_MAX_BYTES, INBOX_UPLOAD_PATH, INBOX_UPLOAD_TYPE } from '../../shared/inbox-upload';
import { dispatch, isChannel, toErrorBody } from '../app/dispatch';
import { contentTypeOf, resolveStatic } from '../app/renderer-files';
import { contentSecurityPolicy } from '../../shared/csp';
import type { IntakeService } from '../app/service-api';

export interface WebServerOptions {
  service: Pick<IntakeService, 'handlers' | 'on' | 'receiveInbox'>;
  /** 0 or undefined: any free port. */
  port?: number;
  host?: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Fixed token (tests); random otherwise. */
  token?: string;
}

export interface WebServer {
  /** The URL to open: the token rides in the fragment (`/#token=…`), never sent to a server. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Every JSON body; dropped files do not come as JSON but as a stream (INBOX_UPLOAD_PATH). */
const SMALL_BODY = 8 * 1024 * 1024;


class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? crypto.randomBytes(32).toString('hex');
  const rendererDir = path.resolve(opts.rendererDir);
  const server = http.createServer();
  // The answer names `intake`, never echoing the token subprotocol back.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  const origin = `http://${host === '::1' ? '[::1]' : host}:${port}`;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  const csp = contentSecurityPolicy({ connect: [...allowedHosts].map((h) => `ws://${h}`) });

  const tokenMatches = (candidate: string | undefined): boolean => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  };
  /** Only the Authorization header counts: a cookie or a query string never does. */
  const isAuthorized = (req: http.IncomingMessage): boolean => {
    const auth = req.headers.authorization;
    return auth !== undefined && auth.startsWith('Bearer ') && tokenMatches(auth.slice(7).trim());
  };
  /** Browsers cannot set headers on a WebSocket: the page offers `bearer.<token>` as a subprotocol. */
  const socketToken = (req: http.IncomingMessage): string | undefined =>
    (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .find((p) => p.startsWith(WS_TOKEN_PREFIX))
      ?.slice(WS_TOKEN_PREFIX.length);
  /** Host (DNS rebinding) and Origin (other sites) checks, for every request. */
  const checkSource = (req: http.IncomingMessage): void => {
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) throw new HttpError(403, 'forbidden_host', 'This server only answers to 127.0.0.1/localhost');
    const reqOrigin = req.headers.origin;
    if (reqOrigin !== undefined && !allowedOrigins.has(reqOrigin.toLowerCase())) throw new HttpError(403, 'forbidden_origin', 'Requests from other origins are refused');
  };

  const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> => {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'forbidden_origin', 'Cross-site requests are refused');
    if (!isAuthorized(req)) throw new HttpError(401, 'unauthorized', 'Missing or wrong token: open the URL printed by `intake serve`');
    if (pathname === INBOX_UPLOAD_PATH) return handleInboxUpload(req, res);
    const match = /^\/api\/invoke\/([A-Za-z0-9_.-]{1,64})$/.exec(pathname);
    if (!match) throw new HttpError(404, 'not_found', 'No such endpoint');
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new HttpError(405, 'method_not_allowed', 'Use POST');
    }
    const channel = match[1];
    if (!isChannel(channel)) throw new HttpError(404, 'unknown_channel', `Unknown channel: ${channel}`);
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') throw new HttpError(415, 'unsupported_media_type', 'Send the input as application/json');
    const body = await readBody(req, SMALL_BODY);
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_input', 'The request body is not valid JSON');
    }
    sendJson(res, 200, await dispatch(opts.service.handlers, channel, input));
  };

  /** Dropped files: a manifest line, then the files' bytes, written to the inbox as they arrive. */
  const handleInboxUpload = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new HttpError(405, 'method_not_allowed', 'Use POST');
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== INBOX_UPLOAD_TYPE) throw new HttpError(415, 'unsupported_media_type', `Send the files as ${INBOX_UPLOAD_TYPE}`);
    const chunks = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let envelope: Envelope<unknown>;
    try {
      let head = Buffer.alloc(0);
      let newline = -1;
      while (newline < 0) {
        const next = await chunks.next();
        if (next.done) throw new HttpError(400, 'invalid_input', 'The upload has no manifest line');
        head = Buffer.concat([head, next.value]);
        newline = head.indexOf(0x0a);
        if ((newline < 0 ? head.length : newline) > INBOX_MANIFEST_MAX_BYTES) throw new HttpError(413, 'payload_too_large', `The upload's manifest is larger than ${INBOX_MANIFEST_MAX_BYTES} bytes`);
      }
      let manifest: unknown;
      try {
        manifest = JSON.parse(head.subarray(0, newline).toString('utf8'));
      } catch {
        throw new HttpError(400, 'invalid_input', "The upload's manifest is not valid JSON");
      }
      const first = head.subarray(newline + 1);
      const content = async function* (): AsyncGenerator<Uint8Array> {
        if (first.length > 0) yield first;
        for (;;) {
          const next = await chunks.next();
          if (next.done) return;
          yield next.value;
        }
      };
      try {
        envelope = { ok: true, value: await opts.service.receiveInbox(manifest, content()) };
      } catch (err) {
        envelope = { ok: false, error: toErrorBody(err) };
      }
    } finally {
      // A refused upload's remaining bytes are read and dropped, never held.
      if (!req.readableEnded) req.resume();
    }
    sendJson(res, 200, envelope);
  };

  const handleStatic = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      throw new HttpError(405, 'method_not_allowed', 'Method not allowed');
    }
    if (url.pathname === '/favicon.ico' && !fs.existsSync(path.join(rendererDir, 'favicon.ico'))) {
      res.writeHead(204, { 'Cache-Control': 'max-age=86400' });
      res.end();
      return;
    }
    const file = await resolveStatic(rendererDir, url.pathname);
    if (!file) throw new HttpError(404, 'not_found', 'Not found');
    // The page itself holds no secret: it reads the token from its own fragment.
    const isIndex = path.basename(file) === 'index.html';
    const stat = await fs.promises.stat(file);
    res.writeHead(200, {
      'Content-Type': contentTypeOf(file),
      'Content-Length': stat.size,
      'Cache-Control': isIndex ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(file).pipe(res);
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    setSecurityHeaders(res, csp);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      sendError(res, new HttpError(400, 'bad_request', 'Bad URL'), true);
      return;
    }
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
    void (async () => {
      checkSource(req);
      if (isApi) await handleApi(req, res, url.pathname);
      else await handleStatic(req, res, url);
    })().catch((err: unknown) => {
      if (!(err instanceof HttpError)) console.error('[intake] web request failed:', err);
      sendError(res, err instanceof HttpError ? err : new HttpError(500, 'internal', 'Internal error'), isApi);
      if (err instanceof HttpError && err.status === 413) req.resume();
    });
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      checkSource(req);
    } catch {
      refuse(403, 'Forbidden');
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/api/events') return refuse(404, 'Not Found');
    if (!isAuthorized(req) && !tokenMatches(socketToken(req))) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => sockets.delete(ws));
    // The socket only pushes; anything the page sends is ignored.
  });
  const unsubscribe = EVENT_NAMES.map((event) =>
    opts.service.on(event, (payload) => {
      const message = JSON.stringify({ event, payload });
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message);
    }),
  );
  const keepAlive = setInterval(() => {
    for (const ws of sockets) ws.ping();
  }, 30_000);
  keepAlive.unref();

  return {
    url: `${origin}/#${TOKEN_FRAGMENT_KEY}=${token}`,
    origin,
    port,
    token,
    async close() {
      clearInterval(keepAlive);
      for (const off of unsubscribe) off();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function setSecurityHeaders(res: http.ServerResponse, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: http.ServerResponse, err: HttpError, asJson: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (asJson) {
    const envelope: Envelope<never> = { ok: false, error: { code: err.code, message: err.message } };
    sendJson(res, err.status, envelope);
    return;
  }
  const text = `${err.status} ${err.message}\n`;
  res.writeHead(err.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.reject(new HttpError(413, 'payload_too_large', `The request is larger than ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new HttpError(413, 'payload_too_large', `The request is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
