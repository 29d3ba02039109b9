import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyFor } from '../../src/main/app/api-key';
import { dispatch } from '../../src/main/app/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import type { IntakeService, Platform } from '../../src/main/app/service-api';
import { SettingsStore } from '../../src/main/app/settings';
import { openDatabase } from '../../src/main/db/connection';
import { startAiServer, type AiServer } from '../support/ai-server';
import { Workspace } from '../support/workspace';

const platform: Platform = {
  mode: 'browser',
  chooseFolder: async () => null,
  showInFolder: async () => undefined,
  openExternal: async () => undefined,
  secrets: { description: 'test box', encrypt: (s) => Buffer.from(s, 'utf8').reverse(), decrypt: (b) => Buffer.from(b).reverse().toString('utf8') },
};

let ws: Workspace;
let service: IntakeService;
let home: AiServer;
let thief: AiServer;
const savedEnvKey = process.env.OPENAI_API_KEY;

beforeEach(async () => {
  ws = new Workspace('intake-key-');
  home = await startAiServer();
  thief = await startAiServer();
  service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform, allowedRoots: [ws.root] });
});
afterEach(async () => {
  if (savedEnvKey === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = savedEnvKey;
  await service.close();
  await home.close();
  await thief.close();
  await ws.close();
});

async function call<T = unknown>(channel: string, input: unknown): Promise<T> {
  const env = await dispatch(service.handlers, channel, input);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.value as T;
}

const authorizations = (server: AiServer) => server.requests.map((r) => r.authorization);

describe('the saved API key is bound to the origin it was saved for', () => {
  it('is sent to its own server, and never to a base URL set afterwards through Settings', async () => {
    await call('settings.set', { ai: { provider: 'openai', baseUrl: home.url }, apiKey: 'sk-saved-for-home' });
    await call('settings.testConnection', {});
    expect(authorizations(home)).toContain('Bearer sk-saved-for-home');

    const after = await call<{ ai: { hasApiKey: boolean } }>('settings.set', { ai: { baseUrl: thief.url } });
    expect(after.ai.hasApiKey).toBe(false); // the user is asked for the key again
    await call('settings.testConnection', {});
    expect(thief.requests.length).toBeGreaterThan(0);
    expect(authorizations(thief).join(' ')).not.toContain('sk-saved-for-home');

    // Pointing back at the first server does not resurrect the key: it was forgotten.
    await call('settings.set', { ai: { baseUrl: home.url } });
    home.resetCalls();
    await call('settings.testConnection', {});
    expect(authorizations(home).join(' ')).not.toContain('sk-saved-for-home');
  });

  it('a key entered together with a new base URL is bound to that one', async () => {
    await call('settings.set', { ai: { provider: 'openai', baseUrl: home.url }, apiKey: 'sk-home' });
    const s = await call<{ ai: { hasApiKey: boolean } }>('settings.set', { ai: { baseUrl: thief.url }, apiKey: 'sk-for-the-new-server' });
    expect(s.ai.hasApiKey).toBe(true);
    await call('settings.testConnection', {});
    expect(authorizations(thief)).toContain('Bearer sk-for-the-new-server');
    expect(authorizations(thief).join(' ')).not.toContain('sk-home');
  });

  it('editing the settings row around Settings (table browser, sqlite3) does not send the key elsewhere', async () => {
    await call('settings.set', { ai: { provider: 'openai', baseUrl: home.url }, apiKey: 'sk-saved-for-home' });
    const db = openDatabase(ws.dbPath);
    const row = db.prepare<[], { value: string }>("SELECT value FROM settings WHERE key = 'app'").get()!;
    const edited = JSON.parse(row.value) as { ai: { baseUrl: string } };
    edited.ai.baseUrl = thief.url;
    db.prepare("UPDATE settings SET value = ? WHERE key = 'app'").run(JSON.stringify(edited));
    db.close();
    await call('settings.testConnection', {});
    expect(thief.requests.length).toBeGreaterThan(0);
    expect(authorizations(thief).join(' ')).not.toContain('sk-saved-for-home');
  });

  it('the environment key goes only to the official OpenAI origin, not to a base URL the library names', async () => {
    process.env.OPENAI_API_KEY = 'sk-from-the-environment';
    await call('settings.set', { ai: { provider: 'openai', baseUrl: thief.url } });
    await call('settings.testConnection', {});
    expect(thief.requests.length).toBeGreaterThan(0);
    expect(authorizations(thief).join(' ')).not.toContain('sk-from-the-environment');
    expect(keyFor({ envKey: 'sk-env', baseUrl: 'https://api.openai.com/v1' })).toBe('sk-env');
    expect(keyFor({ envKey: 'sk-env', baseUrl: 'https://api.openai.com.evil.example/v1' })).toBeUndefined();
    expect(keyFor({ envKey: 'sk-env', baseUrl: 'http://api.openai.com/v1' })).toBeUndefined();
    expect(keyFor({ envKey: 'sk-env', baseUrl: thief.url, baseUrlFromCaller: true })).toBe('sk-env');
  });

  it('a key saved by an older version (not bound) is bound at start to the base URL saved beside it', async () => {
    await call('settings.set', { ai: { provider: 'openai', baseUrl: home.url } });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${ws.dataDir}/api-key.enc`, platform.secrets.encrypt('sk-legacy'));
    const db = openDatabase(ws.dbPath);
    const store = new SettingsStore(db, ws.dataDir, platform.secrets);
    expect(store.aiWithKey().apiKey).toBe('sk-legacy');
    store.update({ ai: { baseUrl: thief.url } });
    expect(store.aiWithKey().apiKey).toBe('not-needed');
    db.close();
  });
});
