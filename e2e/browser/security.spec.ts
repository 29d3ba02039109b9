import WebSocket from 'ws';
import { test, expect } from '../fixtures';

test.describe('browser mode refuses strangers', () => {
  test('a request without the token gets 401, one from another origin 403', async ({ server, request, appPage }) => {
    const endpoint = `${server.origin}/api/invoke/failed.count`;
    const anonymous = await request.post(endpoint, { data: {} });
    expect(anonymous.status()).toBe(401);
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });

    const foreign = await request.post(endpoint, { data: {}, headers: { authorization: `Bearer ${server.token}`, origin: 'https://evil.example' } });
    expect(foreign.status()).toBe(403);

    const rebound = await request.post(endpoint, { data: {}, headers: { authorization: `Bearer ${server.token}`, host: 'evil.example' } });
    expect(rebound.status()).toBe(403);

    expect((await request.get(`${server.origin}/`)).status()).toBe(401);

    // The app's own page, holding the cookie, gets through.
    const fromPage = await appPage.evaluate(async () => {
      const res = await fetch('/api/invoke/failed.count', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return { status: res.status, body: await res.json() };
    });
    expect(fromPage).toEqual({ status: 200, body: { ok: true, value: 0 } });
  });

  test('the events socket needs the token', async ({ server }) => {
    const url = `${server.origin.replace('http', 'ws')}/api/events`;
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });

  test('the page runs under the CSP and has no Node or IPC objects', async ({ appPage, server }) => {
    const response = await appPage.request.get(`${server.origin}/`);
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
    const globals = await appPage.evaluate(() => ({ require: typeof (window as unknown as { require?: unknown }).require, process: typeof (window as unknown as { process?: unknown }).process }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined' });
    const blocked = await appPage.evaluate(async () => {
      try {
        await fetch('https://example.com/');
        return 'fetched';
      } catch {
        return 'blocked';
      }
    });
    expect(blocked).toBe('blocked');
  });
});
