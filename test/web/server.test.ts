import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from '../../src/main/web/server';
import { ApiError } from '../../src/shared/errors';
import { encodeInboxManifest, INBOX_MANIFEST_MAX_BYTES, INBOX_UPLOAD_PATH, INBOX_UPLOAD_TYPE } from '../../src/shared/inbox-upload';
import { fakeService, type FakeService } from '../shell/fake-service';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(server: WebServer, pathname: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: pathname, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${server.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A raw request line, for paths that http.request would normalise. */
function rawGet(server: WebServer, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

const json = (body: unknown): { method: string; headers: Record<string, string>; body: string } => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

let root: string;
let rendererDir: string;
let service: FakeService;
let server: WebServer;
const bearer = (): Record<string, string> => ({ authorization: `Bearer ${server.token}` });

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-web-'));
  rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Intake</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP SECRET');
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(rendererDir, 'assets', 'link.txt'));
  service = fakeService();
  server = await startWebServer({ service, rendererDir, port: 0 });
});

afterEach(async () => {
  await server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('browser mode: the token', () => {
  it('is random per start, 32 bytes of hex, and printed in the URL fragment (never sent to a server)', async () => {
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(new URL(server.url).search).toBe('');
    const other = await startWebServer({ service: fakeService(), rendererDir });
    expect(other.token).not.toBe(server.token);
    await other.close();
  });

  it('refuses /api requests without it (401) and never calls the handler', async () => {
    const reply = await request(server, '/api/invoke/failed.count', json({}));
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await request(server, '/api/invoke/failed.count', { ...json({}), headers: { 'content-type': 'application/json', authorization: `Bearer ${'0'.repeat(64)}` } });
    expect(wrong.status).toBe(401);
    expect(service.handlers['failed.count']).not.toHaveBeenCalled();
  });

  it('is never a cookie: no Set-Cookie anywhere, and a cookie or query string with the right token is refused', async () => {
    for (const target of ['/', `/?token=${server.token}`, '/failed', '/assets/app.js']) {
      const reply = await request(server, target);
      expect(reply.headers['set-cookie'], target).toBeUndefined();
    }
    const cookie = `intake_token_${server.port}=${server.token}`;
    const viaCookie = await request(server, '/api/invoke/failed.count', { ...json({}), headers: { 'content-type': 'application/json', cookie } });
    expect(viaCookie.status).toBe(401);
    const viaQuery = await request(server, `/api/invoke/failed.count?token=${server.token}`, json({}));
    expect(viaQuery.status).toBe(401);
    expect(service.handlers['failed.count']).not.toHaveBeenCalled();
  });

  it('serves the page without the token (the page holds no secret) and answers the API for a Bearer token', async () => {
    const page = await request(server, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Intake</title>');
    service.handlers['failed.count'].mockResolvedValue(12);
    const viaBearer = await request(server, '/api/invoke/failed.count', { ...json({}), headers: { 'content-type': 'application/json', ...bearer() } });
    expect(viaBearer.status).toBe(200);
    expect(JSON.parse(viaBearer.body)).toEqual({ ok: true, value: 12 });
  });
});

describe('browser mode: other sites and DNS rebinding', () => {
  it('refuses a foreign Origin with 403, even with the token', async () => {
    const reply = await request(server, '/api/invoke/failed.count', {
      ...json({}),
      headers: { 'content-type': 'application/json', ...bearer(), origin: 'https://evil.example' },
    });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'forbidden_origin' } });
    const sameHostOtherPort = await request(server, '/api/invoke/failed.count', {
      ...json({}),
      headers: { 'content-type': 'application/json', ...bearer(), origin: `http://127.0.0.1:${server.port + 1}` },
    });
    expect(sameHostOtherPort.status).toBe(403);
    const ours = await request(server, '/api/invoke/failed.count', {
      ...json({}),
      headers: { 'content-type': 'application/json', ...bearer(), origin: `http://localhost:${server.port}` },
    });
    expect(ours.status).toBe(200);
    expect(service.handlers['failed.count']).toHaveBeenCalledTimes(1);
  });

  it('refuses a cross-site fetch by Sec-Fetch-Site', async () => {
    const reply = await request(server, '/api/invoke/failed.count', { ...json({}), headers: { 'content-type': 'application/json', ...bearer(), 'sec-fetch-site': 'cross-site' } });
    expect(reply.status).toBe(403);
  });

  it('refuses a Host that is not 127.0.0.1/localhost on our port', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1:1', `127.0.0.1.evil.example:${server.port}`]) {
      const reply = await request(server, '/api/invoke/failed.count', { ...json({}), headers: { 'content-type': 'application/json', ...bearer(), host } });
      expect(reply.status, host).toBe(403);
      const page = await request(server, `/?token=${server.token}`, { headers: { host } });
      expect(page.status, host).toBe(403);
    }
    expect(service.handlers['failed.count']).not.toHaveBeenCalled();
  });

  it('requires a JSON content type (no form posts), POST only, and known channels', async () => {
    const form = await request(server, '/api/invoke/failed.count', { method: 'POST', headers: { 'content-type': 'text/plain', ...bearer() }, body: '{}' });
    expect(form.status).toBe(415);
    expect((await request(server, '/api/invoke/failed.count', { headers: bearer() })).status).toBe(405);
    const unknown = await request(server, '/api/invoke/db.drop', { ...json({}), headers: { 'content-type': 'application/json', ...bearer() } });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect((await request(server, '/api/other', { headers: bearer() })).status).toBe(404);
  });
});

describe('browser mode: hostile bodies', () => {
  it('refuses bad JSON, validates input and limits the body size', async () => {
    const headers = { 'content-type': 'application/json', ...bearer() };
    const badJson = await request(server, '/api/invoke/failed.get', { method: 'POST', headers, body: '{"id":' });
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const invalid = await request(server, '/api/invoke/ingest.start', { method: 'POST', headers, body: JSON.stringify({ paths: ['/x\u0000y'] }) });
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('NUL') } });
    const huge = await request(server, '/api/invoke/settings.set', { method: 'POST', headers, body: JSON.stringify({ apiKey: 'k'.repeat(9 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(service.handlers['ingest.start']).not.toHaveBeenCalled();
    expect(service.handlers['settings.set']).not.toHaveBeenCalled();
  });

  it('takes dropped files only as a stream: a JSON ingest.inbox body over 8 MB is refused before the service sees it', async () => {
    const data = Buffer.alloc(12 * 1024 * 1024, 1).toString('base64');
    const reply = await request(server, '/api/invoke/ingest.inbox', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: JSON.stringify({ files: [{ relativePath: 'big.txt', dataBase64: data }] }),
    });
    expect(reply.status).toBe(413);
    expect(service.handlers['ingest.inbox']).not.toHaveBeenCalled();
  });
});

describe('browser mode: streamed uploads to the inbox', () => {
  const upload = (body: Buffer | string, headers: Record<string, string> = { 'content-type': INBOX_UPLOAD_TYPE, ...bearer() }) =>
    request(server, INBOX_UPLOAD_PATH, { method: 'POST', headers, body });

  it('hands the service the manifest and exactly the bytes after it', async () => {
    const content = Buffer.alloc(12 * 1024 * 1024, 7);
    const reply = await upload(Buffer.concat([Buffer.from(encodeInboxManifest([{ relativePath: 'big.bin', size: content.length }])), content]));
    expect(JSON.parse(reply.body)).toEqual({ ok: true, value: { folder: `/inbox/${content.length}`, files: 1 } });
    expect(service.receiveInbox).toHaveBeenCalledTimes(1);
    expect(service.receiveInbox.mock.calls[0][0]).toEqual({ files: [{ relativePath: 'big.bin', size: content.length }] });
  });

  it('refuses without the token, with another type or method, and a manifest that is missing, not JSON or too long', async () => {
    const body = `${encodeInboxManifest([{ relativePath: 'a.txt', size: 1 }])}x`;
    expect((await upload(body, { 'content-type': INBOX_UPLOAD_TYPE })).status).toBe(401);
    expect((await upload(body, { 'content-type': INBOX_UPLOAD_TYPE, authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await upload(body, { 'content-type': 'application/json', ...bearer() })).status).toBe(415);
    expect((await request(server, INBOX_UPLOAD_PATH, { method: 'PUT', headers: { 'content-type': INBOX_UPLOAD_TYPE, ...bearer() }, body })).status).toBe(405);
    expect((await upload('')).status).toBe(400);
    expect(JSON.parse((await upload('{not json\nrest')).body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect((await upload(Buffer.alloc(INBOX_MANIFEST_MAX_BYTES + 10, 0x20))).status).toBe(413);
    expect(service.receiveInbox).not.toHaveBeenCalled();
  });

  it('answers the service’s refusal as an envelope and drops the rest of the body', async () => {
    service.receiveInbox.mockRejectedValueOnce(new ApiError('inbox_full', 'The inbox is full'));
    const reply = await upload(Buffer.concat([Buffer.from(encodeInboxManifest([{ relativePath: 'a.bin', size: 4 * 1024 * 1024 }])), Buffer.alloc(4 * 1024 * 1024)]));
    expect(JSON.parse(reply.body)).toEqual({ ok: false, error: { code: 'inbox_full', message: 'The inbox is full' } });
    // The connection is still usable: the next request gets its answer.
    expect((await request(server, '/api/invoke/app.info', { ...json({}), headers: { 'content-type': 'application/json', ...bearer() } })).status).toBe(200);
  });
});

describe('browser mode: static files', () => {
  it('serves the renderer with the right MIME type and the CSP header', async () => {
    const js = await request(server, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toContain("script-src 'self'");
    expect(js.headers['content-security-policy']).toContain(`ws://127.0.0.1:${server.port}`);
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect((await request(server, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await request(server, '/assets/missing.js')).status).toBe(404);
    const spa = await request(server, '/failed', { headers: bearer() });
    expect(spa.status).toBe(200);
    expect(spa.body).toContain('<title>Intake</title>');
  });

  it('refuses path traversal, encoded or not, and symlinks leading outside', async () => {
    for (const target of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%5csecret.txt', '/assets/link.txt', '/%00index.html', '/%E0%A4%A']) {
      const text = await rawGet(server, target);
      expect(text, target).not.toContain('TOP SECRET');
      expect(text, target).toMatch(/^HTTP\/1\.1 (400|403|404)/);
    }
  });
});

describe('browser mode: the events websocket', () => {
  const wsUrl = (): string => `ws://127.0.0.1:${server.port}/api/events`;
  const openWs = (headers: Record<string, string>, protocols?: string[]): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl(), protocols ?? [], { headers });
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });

  it('refuses a connection without the token, or from another origin', async () => {
    await expect(openWs({})).rejects.toThrow('HTTP 401');
    await expect(openWs({ cookie: `intake_token_${server.port}=${server.token}` })).rejects.toThrow('HTTP 401');
    await expect(openWs({}, ['intake', 'bearer.bad'])).rejects.toThrow('HTTP 401');
    await expect(openWs({ ...bearer(), origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('accepts the token as a `bearer.` subprotocol, as a browser sends it, and answers `intake` (never echoing the token)', async () => {
    const ws = await openWs({ origin: `http://127.0.0.1:${server.port}` }, ['intake', `bearer.${server.token}`]);
    expect(ws.protocol).toBe('intake');
    ws.close();
  });

  it('pushes every service event as {event, payload}', async () => {
    const ws = await openWs({ ...bearer(), origin: `http://127.0.0.1:${server.port}` });
    const received: unknown[] = [];
    const got = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        received.push(JSON.parse(String(data)));
        if (received.length === 2) resolve();
      }),
    );
    service.emit('failed.changed', { count: 2 });
    service.emit('run.finished', { runId: 1 } as never);
    await got;
    expect(received).toEqual([
      { event: 'failed.changed', payload: { count: 2 } },
      { event: 'run.finished', payload: { runId: 1 } },
    ]);
    ws.close();
  });

  it('unsubscribes from the service when closed', async () => {
    const ws = await openWs({ authorization: `Bearer ${server.token}` });
    expect(service.listenerCount()).toBeGreaterThan(0);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    await server.close();
    await closed;
    expect(service.listenerCount()).toBe(0);
  });
});
