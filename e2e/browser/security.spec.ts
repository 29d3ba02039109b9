import http from 'node:http';
import WebSocket from 'ws';
import { test, expect } from '../fixtures';
import { AppShell } from '../pages/shell';

/** Another web page on 127.0.0.1, another port: what any local dev server or malicious tool could be. */
async function neighbour(): Promise<{ origin: string; cookiesSeen: string[]; close(): Promise<void> }> {
  const cookiesSeen: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.headers.cookie) cookiesSeen.push(req.headers.cookie);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>neighbour</title><p>another local page</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    cookiesSeen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

test.describe('browser mode refuses strangers', () => {
  test('a request without the token gets 401, one from another origin 403; the page itself holds no secret', async ({ server, request, appPage }) => {
    const endpoint = `${server.origin}/api/invoke/failed.count`;
    const anonymous = await request.post(endpoint, { data: {} });
    expect(anonymous.status()).toBe(401);
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });

    const foreign = await request.post(endpoint, { data: {}, headers: { authorization: `Bearer ${server.token}`, origin: 'https://evil.example' } });
    expect(foreign.status()).toBe(403);

    const rebound = await request.post(endpoint, { data: {}, headers: { authorization: `Bearer ${server.token}`, host: 'evil.example' } });
    expect(rebound.status()).toBe(403);

    // The page is served to anyone: the token is in the fragment the server never sees.
    expect((await request.get(`${server.origin}/`)).status()).toBe(200);

    // A bare fetch from the app's own page carries no credential at all (no cookie): refused.
    const bare = await appPage.evaluate(async () => (await fetch('/api/invoke/failed.count', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    expect(bare).toBe(401);
  });

  test('a page on another 127.0.0.1 port gets no token: no cookie reaches it, it cannot toss one, and the address bar forgot the token', async ({ server, appPage, context }) => {
    const other = await neighbour();
    try {
      // The app works: its screens load through Bearer requests.
      await expect(appPage.getByRole('navigation', { name: 'Main' })).toBeVisible();
      expect(appPage.url()).toBe(`${server.origin}/`);
      expect(await appPage.evaluate(() => history.length)).toBeGreaterThan(0);
      expect(await context.cookies()).toEqual([]);

      // The user opens another local page, in the same browser.
      const page2 = await context.newPage();
      await page2.goto(`${other.origin}/`);
      expect(await page2.evaluate(() => document.cookie)).toBe('');
      expect(await page2.evaluate(() => sessionStorage.length)).toBe(0);
      // Cookie tossing: the neighbour plants cookies for the whole host.
      await page2.evaluate((port) => {
        document.cookie = `intake_token_${port}=tossed; path=/`;
        document.cookie = 'intake_token=tossed; path=/';
      }, new URL(server.origin).port);
      // Even a no-cors request cannot read Intake's answers; with CORS it is refused outright.
      const stolen = await page2.evaluate(async (origin) => {
        try {
          const res = await fetch(`${origin}/api/invoke/failed.count`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' });
          return `status ${res.status}`;
        } catch {
          return 'blocked';
        }
      }, server.origin);
      expect(stolen).toBe('blocked');
      await page2.close();
      expect(other.cookiesSeen).toEqual([]);

      // Back in Intake, after the tossed cookies: the app still works, in the same tab and after a reload.
      await appPage.reload();
      await new AppShell(appPage).open('Failed files');
      await expect(appPage.getByText(/Not authorised/i)).toHaveCount(0);
      const fromApp = await appPage.evaluate(async () => {
        const token = sessionStorage.getItem('intake.token');
        const res = await fetch('/api/invoke/failed.count', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
        return { status: res.status, body: await res.json() };
      });
      expect(fromApp).toEqual({ status: 200, body: { ok: true, value: 0 } });
      expect(appPage.url()).not.toContain(server.token);
    } finally {
      await other.close();
    }
  });

  test('the events socket needs the token (header or bearer. subprotocol), never a cookie', async ({ server }) => {
    const url = `${server.origin.replace('http', 'ws')}/api/events`;
    const open = (protocols: string[], headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, protocols, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          resolve(101);
          ws.close();
        });
        ws.on('error', () => undefined);
      });
    expect(await open([], {})).toBe(401);
    expect(await open([], { cookie: `intake_token_${new URL(server.origin).port}=${server.token}` })).toBe(401);
    expect(await open(['intake', `bearer.${server.token}`], { origin: server.origin })).toBe(101);
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
