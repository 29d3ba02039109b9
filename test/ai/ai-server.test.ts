// The loopback AI server is shared by the engine, e2e, reliability and bench tests: its own promises are tested here.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startAiServer } from '../support/ai-server';

const client = (url: string, timeout = 5_000): OpenAI => new OpenAI({ baseURL: url, apiKey: 'k', maxRetries: 0, timeout });

describe('the loopback AI test server', () => {
  it('closes at once even with a request hanging', async () => {
    const ai = await startAiServer();
    ai.script(['hang']);
    const pending = client(ai.url).models.list().then(
      () => 'answered',
      () => 'failed',
    );
    await expect.poll(() => ai.requests.length, { timeout: 60_000 }).toBeGreaterThan(0);
    await ai.close(); // returns although a request hangs: the hung socket is destroyed
    expect(await pending).toBe('failed');
    await ai.close(); // idempotent
  });

  it('adds a fixed latency to every answer', async () => {
    const ai = await startAiServer({ latencyMs: 100 });
    try {
      const t0 = Date.now();
      await client(ai.url).models.list();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
      ai.setLatency(0);
      await client(ai.url).models.list(); // answers without the latency (no upper time bound: the machine may be busy)
    } finally {
      await ai.close();
    }
  });

  it('holds an answer until the test opens its gate', async () => {
    const ai = await startAiServer();
    try {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      ai.script([{ until: gate }], 'models');
      let answered = false;
      const pending = client(ai.url).models.list().then((r) => {
        answered = true;
        return r.data.map((m) => m.id);
      });
      await expect.poll(() => ai.calls.models, { timeout: 60_000 }).toBe(1);
      // Another request is answered while the first one waits.
      expect((await client(ai.url).models.list()).data).toHaveLength(2);
      expect(answered).toBe(false);
      open();
      expect(await pending).toEqual(['test-chat', 'test-embed']);
    } finally {
      await ai.close();
    }
  });

  it('goes down (connection refused) and comes back up on the same port', async () => {
    const ai = await startAiServer();
    try {
      await ai.down();
      expect(ai.isUp).toBe(false);
      await expect(client(ai.url).models.list()).rejects.toThrow(/Connection error/);
      await ai.up();
      expect((await client(ai.url).models.list()).data.map((m) => m.id)).toEqual(['test-chat', 'test-embed']);
      expect(ai.url).toBe(`http://127.0.0.1:${ai.port}/v1`);
    } finally {
      await ai.close();
    }
  });

  it('answers the client default (base64) embeddings and a per-kind script with counts', async () => {
    const ai = await startAiServer({ embedDim: 16 });
    try {
      ai.script(['unavailable'], 'embeddings');
      await expect(client(ai.url).embeddings.create({ model: 'e', input: ['x'] })).rejects.toMatchObject({ status: 503 });
      const res = await client(ai.url).embeddings.create({ model: 'e', input: ['hello world', 'hello'] });
      expect(res.data).toHaveLength(2);
      expect(res.data[0].embedding).toHaveLength(16);
      expect(ai.calls).toEqual({ chat: 0, embeddings: 2, models: 0 });
      expect(ai.requests.map((r) => r.n)).toEqual([1, 2]);
    } finally {
      await ai.close();
    }
  });
});
