/**
 * The setup of a test file that runs ingestions against the loopback OpenAI-compatible server:
 * one server for the file, a fresh workspace for each test, and the settings and engine that
 * point at it.
 *
 *   const t = useAiServer({ workspace: 'intake-ai-', timeoutMs: 2000, backoff: { baseDelayMs: 5, maxDelayMs: 20 } });
 *   it('…', async () => {
 *     t.ai.script(['unavailable'], 'chat');
 *     const s = await t.engine().ingest(t.ws.options({ ai: t.openai() }));
 *   });
 *
 * Each test starts with no script and zeroed counters, and ends with the server listening again
 * (a test that took it down gets it back) and its workspace closed.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createAiProvider } from '../../src/main/ai';
import type { Engine } from '../../src/main/engine/engine';
import type { AiSettings } from '../../src/shared/domain';
import { startAiServer, type AiServer, type AiServerOptions } from './ai-server';
import { Workspace } from './workspace';

export interface AiServerTest {
  /** The file's server (started before its first test). */
  readonly ai: AiServer;
  /** This test's workspace. */
  readonly ws: Workspace;
  /** Settings of the openai provider at the server; `over` replaces any field. */
  openai(over?: Partial<AiSettings>): AiSettings;
  /** An engine on the workspace whose OpenAI-compatible provider backs off in milliseconds, not seconds. */
  engine(): Engine;
}

export function useAiServer(opts: {
  /** Prefix of each test's workspace folder. */
  workspace: string;
  server?: AiServerOptions;
  /** The provider's per-try timeout (settings.timeoutMs). */
  timeoutMs: number;
  /** Retries after the first try (settings.maxRetries; default 3). */
  maxRetries?: number;
  /** The provider's retry backoff. */
  backoff: { baseDelayMs: number; maxDelayMs: number };
  /** The provider's transport, when the test wraps it (default: its own). */
  fetch?: typeof fetch;
}): AiServerTest {
  let ai: AiServer | undefined;
  let ws: Workspace | undefined;
  beforeAll(async () => {
    ai = await startAiServer(opts.server);
  });
  afterAll(async () => {
    await ai?.close();
  });
  beforeEach(() => {
    ws = new Workspace(opts.workspace);
    ai?.clearScript();
    ai?.resetCalls();
  });
  afterEach(async () => {
    await ai?.up();
    await ws?.close();
  });
  const t: AiServerTest = {
    get ai() {
      if (!ai) throw new Error('useAiServer: the server starts in beforeAll');
      return ai;
    },
    get ws() {
      if (!ws) throw new Error('useAiServer: the workspace is made in beforeEach');
      return ws;
    },
    openai: (over = {}) => ({
      provider: 'openai',
      baseUrl: t.ai.url,
      chatModel: 'test-chat',
      embedModel: 'test-embed',
      apiKey: 'sk-test',
      timeoutMs: opts.timeoutMs,
      maxRetries: opts.maxRetries ?? 3,
      ...over,
    }),
    engine: () => t.ws.engine({ createProvider: (s) => createAiProvider(s, { retry: opts.backoff, ...(opts.fetch ? { fetch: opts.fetch } : {}) }) }),
  };
  return t;
}
