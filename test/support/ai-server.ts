/**
 * A loopback OpenAI-compatible server for tests and benchmarks, with fault injection.
 *
 *   const ai = await startAiServer();              // 127.0.0.1, random port
 *   settings.baseUrl = ai.url;                      // "http://127.0.0.1:<port>/v1"
 *   ai.script(['unavailable', 'unavailable']);      // next two requests (any kind) answer 503
 *   ai.script([{ rateLimit: { retryAfterSec: 1 } }], 'chat'); // next chat request answers 429
 *   ai.script((kind, body, n) => (kind === 'chat' && n % 2 ? 'server_error' : undefined)); // a rule
 *   ai.setLatency(100);                             // every answer waits 100 ms (the bench)
 *   await ai.down(); … await ai.up();              // refuse connections on the same port, then reopen
 *   expect(ai.calls.chat).toBe(4);                  // requests received, per kind (faults included)
 *   expect(ai.peakInFlight.chat).toBe(8);           // most requests of a kind read and not yet answered at once
 *   await ai.close();                               // destroys open sockets: vitest never hangs
 *
 * Endpoints (OpenAI wire format):
 *   POST /v1/chat/completions — a valid classification JSON derived from the document text in the
 *        last user message (between DOC_BEGIN/DOC_END when present): title = its first non-empty
 *        line, doc_type by a keyword ("invoice", "letter" …), doc_date = the first ISO date, etc.
 *   POST /v1/embeddings       — deterministic, L2-normalized vectors (default 64-d) by feature
 *        hashing, so texts sharing words are close; honours encoding_format "base64".
 *   GET  /v1/models           — the configured model ids.
 *
 * Which fault a request gets: the queue for its kind, else the "any" queue, else the script
 * function, else 'ok'. Each queued fault is used once. Faults:
 *   'ok'                      normal answer
 *   'hang'                    never answers (until the client gives up or the server closes)
 *   'reset'                   reads the request, then destroys the socket (ECONNRESET / "other side closed")
 *   'server_error'            500            'bad_gateway' 502   'unavailable' 503   'gateway_timeout' 504
 *   'unauthorized'            401 invalid_api_key
 *   'forbidden'               403
 *   'model_not_found'         404 model_not_found
 *   'json_schema_unsupported' 400 mentioning response_format (like servers without structured output)
 *   'malformed_json'          200, message content is not JSON        (embeddings: a body without `data`)
 *   'schema_violation'        200, JSON of the wrong shape            (embeddings: vectors of mixed dimensions)
 *   'empty_content'           200, empty message content              (embeddings: `data: []`)
 *   { rateLimit: { retryAfterSec?, retryAfterMs? } }   429 with Retry-After / retry-after-ms headers
 *   { status, message?, headers? }                      any status with an OpenAI-style error body
 *   { content }                                         200 whose message content is exactly this string
 *   { delayMs, then? }                                  wait, then behave like `then` (default 'ok')
 *   { until, then? }                                    wait until the promise `until` settles (the test's gate), then `then`
 *   'reset_mid_body'          200 headers and half the body, then the socket is destroyed
 *   'html_page'               200 text/html: a proxy's login page (a wrong base URL looks the same)
 *   { gzipBomb: bytes }       200 gzip-encoded JSON that inflates to `bytes` (streamed: ≈ 1 KB per MB on the wire)
 *   { declaredBytes: n }      200 whose Content-Length says n bytes (the body is cut short)
 *   { vectors: unknown[][] }  embeddings: exactly these raw vectors (nulls, strings, any dimension)
 */
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo, Socket } from 'node:net';
import { DOC_BEGIN, DOC_END } from '../../src/main/ai/prompt';
import { hashEmbed } from '../../src/main/ai/hash-embed';

export type AiCallKind = 'chat' | 'embeddings' | 'models';

export type AiFault =
  | 'ok'
  | 'hang'
  | 'reset'
  | 'server_error'
  | 'bad_gateway'
  | 'unavailable'
  | 'gateway_timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'model_not_found'
  | 'json_schema_unsupported'
  | 'malformed_json'
  | 'schema_violation'
  | 'empty_content'
  | { rateLimit: { retryAfterSec?: number; retryAfterMs?: number } }
  | { status: number; message?: string; headers?: Record<string, string> }
  | { content: string }
  | { delayMs: number; then?: AiFault }
  | { until: Promise<unknown>; then?: AiFault }
  | 'reset_mid_body'
  | 'html_page'
  | { gzipBomb: number }
  | { declaredBytes: number }
  | { vectors: unknown[][] };

/** Decides a request's behaviour; `n` counts requests of that kind from 1. undefined → 'ok'. */
export type AiScript = (kind: AiCallKind, body: unknown, n: number) => AiFault | undefined;

export interface AiServerOptions {
  /** Delay before every answer, ms (default 0). */
  latencyMs?: number;
  /** Embedding dimension (default 64). */
  embedDim?: number;
  /** Ids listed by GET /v1/models (default ['test-chat', 'test-embed']). */
  models?: string[];
  /** When set, requests without "Authorization: Bearer <apiKey>" get 401. */
  apiKey?: string;
  /** false: every json_schema response_format is rejected with 400, like servers without structured output. */
  jsonSchema?: boolean;
  /** Replace the default classification answer (an object serialized as the message content). */
  classify?: (documentText: string) => Record<string, unknown>;
  /** Fixed port (default: random). */
  port?: number;
  /** false: log requests without their bodies (long benchmark runs keep memory flat). Default true. */
  logBodies?: boolean;
}

export interface LoggedRequest {
  kind: AiCallKind | 'other';
  method: string;
  path: string;
  /** Parsed JSON body (undefined for GET, or when logBodies is false). */
  body: unknown;
  authorization: string | undefined;
  /** 1-based count within its kind. */
  n: number;
  /** When the request had been read (Date.now()). */
  at: number;
  /** performance.now() when the request had been read, and when its answer was finished or its socket closed (undefined while open). */
  readAt: number;
  endedAt?: number;
}

export interface AiServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:41234/v1 */
  readonly url: string;
  readonly port: number;
  /** Requests received per kind, faults included. Live counters. */
  readonly calls: Record<AiCallKind, number>;
  /** Requests of each kind read and not yet answered (or dropped): live. */
  readonly inFlight: Record<AiCallKind, number>;
  /** The most requests of each kind that were in flight at once since the start (or resetCalls). */
  readonly peakInFlight: Record<AiCallKind, number>;
  /** Every request, in arrival order. */
  readonly requests: LoggedRequest[];
  /** Queue faults (used once each, in order) for one kind or any kind; or install a script function. */
  script(plan: AiFault[] | AiScript, kind?: AiCallKind | 'any'): void; // a function with a kind applies to that kind only
  /** Forget queued faults and the script function. */
  clearScript(): void;
  /** Zero the counters and the request log (keeps scripts). */
  resetCalls(): void;
  setLatency(ms: number): void;
  /** Stop listening and drop every connection: the port refuses connections. The URL stays valid for up(). */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  readonly isUp: boolean;
  /** Close for good; destroys open sockets and pending timers. Idempotent. */
  close(): Promise<void>;
}

/** The document text inside a chat request body: between the markers, else the last user message. */
export function documentTextOf(body: unknown): string {
  const messages = (body as { messages?: { role?: string; content?: unknown }[] } | undefined)?.messages ?? [];
  const user = [...messages].reverse().find((m) => m.role === 'user');
  const content = typeof user?.content === 'string' ? user.content : '';
  const begin = content.indexOf(DOC_BEGIN);
  const end = content.lastIndexOf(DOC_END);
  if (begin >= 0 && end > begin) return content.slice(begin + DOC_BEGIN.length, end).trim();
  return content;
}

/** The default answer: deterministic and valid, derived from the document text. */
export function defaultClassification(text: string): Record<string, unknown> {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const lower = text.toLowerCase();
  const docType = /\b(invoice|rechnung|facture|factura)\b/.test(lower)
    ? 'invoice'
    : /\breceipt\b/.test(lower)
      ? 'receipt'
      : /\b(dear|sincerely|regards)\b/.test(lower)
        ? 'letter'
        : 'other';
  const from = lines.find((l) => /^from:/i.test(l));
  const iso = /\b(19\d\d|20\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b/.exec(text);
  const words = [...new Set((lower.match(/\p{L}{4,}/gu) ?? []).slice(0, 50))].slice(0, 3);
  return {
    title: (lines[0] ?? 'Untitled').slice(0, 120),
    doc_type: docType,
    correspondent: from ? from.replace(/^from:\s*/i, '').slice(0, 80) || null : null,
    doc_date: iso && iso[0] <= new Date().toISOString().slice(0, 10) ? iso[0] : null,
    tags: words,
    language: 'en',
    summary: text.replace(/\s+/g, ' ').trim().slice(0, 200),
  };
}

const STATUS_FAULTS: Record<string, { status: number; message: string; type: string; code: string | null; param?: string }> = {
  server_error: { status: 500, message: 'The server had an error while processing your request.', type: 'server_error', code: null },
  bad_gateway: { status: 502, message: 'Bad gateway.', type: 'server_error', code: null },
  unavailable: { status: 503, message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: null },
  gateway_timeout: { status: 504, message: 'Gateway timeout.', type: 'server_error', code: null },
  unauthorized: { status: 401, message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
  forbidden: { status: 403, message: 'You are not allowed to use this model.', type: 'invalid_request_error', code: 'forbidden' },
  json_schema_unsupported: {
    status: 400,
    message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported by this server; use 'json_object'.",
    type: 'invalid_request_error',
    code: 'invalid_request_error',
    param: 'response_format',
  },
};

export async function startAiServer(opts: AiServerOptions = {}): Promise<AiServer> {
  const embedDim = opts.embedDim ?? 64;
  const models = opts.models ?? ['test-chat', 'test-embed'];
  const classify = opts.classify ?? defaultClassification;
  let latencyMs = opts.latencyMs ?? 0;
  const calls: Record<AiCallKind, number> = { chat: 0, embeddings: 0, models: 0 };
  const inFlight: Record<AiCallKind, number> = { chat: 0, embeddings: 0, models: 0 };
  const peakInFlight: Record<AiCallKind, number> = { chat: 0, embeddings: 0, models: 0 };
  const requests: LoggedRequest[] = [];
  const queues: Record<AiCallKind | 'any', AiFault[]> = { chat: [], embeddings: [], models: [], any: [] };
  let scriptFn: AiScript | undefined;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let listening = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const pick = (kind: AiCallKind, body: unknown, n: number): AiFault =>
    queues[kind].shift() ?? queues.any.shift() ?? scriptFn?.(kind, body, n) ?? 'ok';

  const send = (res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void => {
    if (res.destroyed || res.writableEnded) return;
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const sendError = (res: http.ServerResponse, status: number, message: string, extra: { type?: string; code?: string | null; param?: string } = {}, headers: Record<string, string> = {}): void =>
    send(res, status, { error: { message, type: extra.type ?? 'invalid_request_error', param: extra.param ?? null, code: extra.code ?? null } }, headers);

  const chatCompletion = (model: string, content: string | null): unknown => ({
    id: `chatcmpl-test-${calls.chat}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  });

  const embeddingList = (model: string, vectors: number[][], base64: boolean): unknown => ({
    object: 'list',
    model,
    data: vectors.map((v, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v,
    })),
    usage: { prompt_tokens: vectors.length, total_tokens: vectors.length },
  });

  async function behave(fault: AiFault, kind: AiCallKind, body: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (typeof fault === 'object' && 'delayMs' in fault) {
      await wait(fault.delayMs);
      return behave(fault.then ?? 'ok', kind, body, req, res);
    }
    if (typeof fault === 'object' && 'until' in fault) {
      // Held until the test releases it; a client that gave up (or close()) ends it without an answer.
      await fault.until.catch(() => undefined);
      if (closed || req.socket.destroyed) return;
      return behave(fault.then ?? 'ok', kind, body, req, res);
    }
    if (fault === 'hang') return; // the socket stays open; close() destroys it
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'reset_mid_body') {
      const text = JSON.stringify(kind === 'embeddings' ? embeddingList('m', [Array.from(hashEmbed('x', embedDim))], false) : chatCompletion('m', JSON.stringify(classify('x'))));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.write(text.slice(0, Math.floor(text.length / 2)), () => req.socket.destroy());
      return;
    }
    if (fault === 'html_page') {
      const html = '<!DOCTYPE html>\n<html><head><title>Sign in - Corporate Proxy</title></head><body><form>Please log in</form></body></html>';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    if (typeof fault === 'object' && 'gzipBomb' in fault) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const gzip = zlib.createGzip({ level: 1 });
      gzip.pipe(res);
      const zeros = Buffer.alloc(1024 * 1024, 0x20); // spaces: valid JSON whitespace, endless
      let left = fault.gzipBomb;
      const pump = (): void => {
        while (left > 0 && !res.destroyed) {
          const n = Math.min(left, zeros.length);
          left -= n;
          if (!gzip.write(n === zeros.length ? zeros : zeros.subarray(0, n))) return void gzip.once('drain', pump);
        }
        gzip.end();
      };
      res.on('close', () => gzip.destroy());
      gzip.write('{"choices":');
      pump();
      return;
    }
    if (typeof fault === 'object' && 'declaredBytes' in fault) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(fault.declaredBytes) });
      res.write('{"choices":', () => req.socket.destroy());
      return;
    }
    if (typeof fault === 'object' && 'vectors' in fault) {
      return send(res, 200, { object: 'list', model: body.model, data: fault.vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })) });
    }
    if (typeof fault === 'object' && 'rateLimit' in fault) {
      const headers: Record<string, string> = {};
      if (fault.rateLimit.retryAfterSec !== undefined) headers['retry-after'] = String(fault.rateLimit.retryAfterSec);
      if (fault.rateLimit.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.rateLimit.retryAfterMs);
      return sendError(res, 429, 'Rate limit reached. Please try again later.', { type: 'requests', code: 'rate_limit_exceeded' }, headers);
    }
    if (typeof fault === 'object' && 'status' in fault) {
      return sendError(res, fault.status, fault.message ?? `Scripted error ${fault.status}`, {}, fault.headers);
    }
    if (typeof fault === 'string' && fault in STATUS_FAULTS) {
      const f = STATUS_FAULTS[fault];
      return sendError(res, f.status, f.message, f);
    }
    const model = typeof body.model === 'string' ? body.model : 'unknown';
    if (fault === 'model_not_found') {
      return sendError(res, 404, `The model \`${model}\` does not exist or you do not have access to it.`, { code: 'model_not_found' });
    }

    if (kind === 'models') {
      return send(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'intake-test' })) });
    }

    if (kind === 'embeddings') {
      const input = body.input;
      const texts = Array.isArray(input) ? input.map(String) : [String(input ?? '')];
      if (fault === 'malformed_json') return send(res, 200, { object: 'list', model, vectors: 'nope' });
      if (fault === 'empty_content') return send(res, 200, { object: 'list', model, data: [] });
      const vectors = texts.map((t, i) => Array.from(hashEmbed(t, fault === 'schema_violation' && i % 2 === 1 ? embedDim + 1 : embedDim)));
      return send(res, 200, embeddingList(model, vectors, body.encoding_format === 'base64'));
    }

    // chat
    const rf = body.response_format as { type?: string } | undefined;
    if (opts.jsonSchema === false && rf?.type === 'json_schema') {
      const f = STATUS_FAULTS.json_schema_unsupported;
      return sendError(res, f.status, f.message, f);
    }
    if (fault === 'malformed_json') return send(res, 200, chatCompletion(model, '{"title": "Broken", "doc_type": '));
    if (fault === 'schema_violation') return send(res, 200, chatCompletion(model, JSON.stringify({ title: 42, doc_type: ['invoice'], tags: 'none' })));
    if (fault === 'empty_content') return send(res, 200, chatCompletion(model, ''));
    if (typeof fault === 'object' && 'content' in fault) return send(res, 200, chatCompletion(model, fault.content));
    return send(res, 200, chatCompletion(model, JSON.stringify(classify(documentTextOf(body)))));
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = (req.url ?? '').split('?')[0];
        const method = req.method ?? 'GET';
        const kind: AiCallKind | 'other' =
          method === 'POST' && path === '/v1/chat/completions' ? 'chat' : method === 'POST' && path === '/v1/embeddings' ? 'embeddings' : method === 'GET' && path === '/v1/models' ? 'models' : 'other';
        let body: Record<string, unknown> = {};
        const raw = Buffer.concat(chunks).toString('utf8');
        if (raw) {
          try {
            body = JSON.parse(raw) as Record<string, unknown>;
          } catch {
            return sendError(res, 400, 'Request body is not valid JSON.');
          }
        }
        const n = kind === 'other' ? 0 : ++calls[kind];
        const logged: LoggedRequest = { kind, method, path, body: raw && opts.logBodies !== false ? body : undefined, authorization: req.headers.authorization, n, at: Date.now(), readAt: performance.now() };
        requests.push(logged);
        if (kind === 'other') return sendError(res, 404, `No route for ${method} ${path}`, { code: 'not_found' });
        // In flight from the request read to its answer sent (or its socket gone), whatever the fault.
        inFlight[kind]++;
        peakInFlight[kind] = Math.max(peakInFlight[kind], inFlight[kind]);
        let ended = false;
        const end = (): void => {
          if (ended) return;
          ended = true;
          inFlight[kind]--;
          logged.endedAt = performance.now();
        };
        res.once('finish', end);
        res.once('close', end);
        const fault = pick(kind, body, n);
        if (fault !== 'hang') await wait(latencyMs);
        if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
          const f = STATUS_FAULTS.unauthorized;
          return sendError(res, f.status, f.message, f);
        }
        await behave(fault, kind, body, req, res);
      })().catch((e: unknown) => {
        if (!res.headersSent) sendError(res, 500, `Test server bug: ${String(e)}`);
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        listening = true;
        resolve((server.address() as AddressInfo).port);
      });
    });

  const stopListening = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    sockets.clear();
    await done;
  };

  const port = await listen(opts.port ?? 0);
  const url = `http://127.0.0.1:${port}/v1`;

  return {
    url,
    port,
    calls,
    inFlight,
    peakInFlight,
    requests,
    get isUp() {
      return listening;
    },
    script(plan, kind = 'any') {
      // A function given with a kind applies to that kind only, like a queue.
      if (typeof plan === 'function') scriptFn = kind === 'any' ? plan : (k, body, n) => (k === kind ? plan(k, body, n) : undefined);
      else queues[kind].push(...plan);
    },
    clearScript() {
      for (const q of Object.values(queues)) q.length = 0;
      scriptFn = undefined;
    },
    resetCalls() {
      calls.chat = 0;
      calls.embeddings = 0;
      calls.models = 0;
      requests.length = 0;
      // Requests still open stay counted in flight; the peak starts again from them.
      for (const k of Object.keys(peakInFlight) as AiCallKind[]) peakInFlight[k] = inFlight[k];
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    down: stopListening,
    async up() {
      if (closed) throw new Error('AI test server is closed');
      if (!listening) await listen(port);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await stopListening();
    },
  };
}
