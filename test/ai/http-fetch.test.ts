// The OpenAI provider's transport (node:http, answers read whole and capped) against a real
// loopback server: what the openai client reads of an answer, compressed answers, the cap,
// cancellation and a connection that closes mid-answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from '../../src/main/ai/http-fetch';
import { IntakeError } from '../../src/shared/errors';

let server: http.Server;
let base: string;
const seen: { method: string; body: string; headers: http.IncomingHttpHeaders }[] = [];
let release: (() => void) | null = null;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      const json = JSON.stringify({ answer: 'héllo', n: 42 });
      switch (req.url) {
        case '/plain':
          res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-1' });
          return res.end(json);
        case '/gzip':
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          return res.end(zlib.gzipSync(json));
        case '/deflate':
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'deflate' });
          return res.end(zlib.deflateSync(json));
        case '/br':
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' });
          return res.end(zlib.brotliCompressSync(json));
        case '/error':
          res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
          return res.end(JSON.stringify({ error: { message: 'busy' } }));
        case '/empty':
          res.writeHead(204);
          return res.end();
        case '/big':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(`"${'x'.repeat(5000)}"`);
        case '/cut':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
          return res.write('{"half":', () => req.socket.destroy());
        case '/held':
          release = () => res.end(json);
          return;
        default:
          res.writeHead(404);
          res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const fetchCapped = httpFetch(1024);

describe('httpFetch', () => {
  it('sends the method, headers and body, and answers with status, headers, text and json as fetch does', async () => {
    const res = await fetchCapped(`${base}/plain`, { method: 'post', headers: new Headers({ 'Content-Type': 'application/json', Authorization: 'Bearer k' }), body: '{"q":1}' });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-request-id')).toBe('req-1');
    expect(await res.json()).toEqual({ answer: 'héllo', n: 42 });
    expect(res.bodyUsed).toBe(true);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', body: '{"q":1}' });
    expect(last.headers).toMatchObject({ authorization: 'Bearer k', 'content-type': 'application/json', 'content-length': '7' });
  });

  it('decodes gzip, deflate and brotli answers', async () => {
    for (const path of ['/gzip', '/deflate', '/br']) {
      const res = await fetchCapped(`${base}${path}`);
      expect(await res.json()).toEqual({ answer: 'héllo', n: 42 });
    }
  });

  it('an error status is an answer (not a rejection) with its headers and body; 204 has no body', async () => {
    const res = await fetchCapped(`${base}/error`);
    expect(res.ok).toBe(false);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(JSON.parse(await res.text())).toEqual({ error: { message: 'busy' } });
    const empty = await fetchCapped(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('an answer over the cap is refused as ai_response_too_large', async () => {
    const err = await fetchCapped(`${base}/big`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntakeError);
    expect((err as IntakeError).code).toBe('ai_response_too_large');
  });

  it('a connection closed in the middle of the answer rejects with a reset', async () => {
    const err = await fetchCapped(`${base}/cut`).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('ECONNRESET');
  });

  it('an abort rejects with the signal’s reason while the server still holds the answer', async () => {
    const controller = new AbortController();
    const pending = fetchCapped(`${base}/held`, { signal: controller.signal });
    const deadline = Date.now() + 60_000;
    while (!release && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    release?.();
  });
});
