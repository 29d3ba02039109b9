import { describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/app/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import { openDatabase } from '../../src/main/db/connection';
import { headlessPlatform } from '../../src/main/app/platform';
import { redactSecrets } from '../../src/shared/redact';
import { startAiServer } from '../support/ai-server';
import { Workspace, letter } from '../support/workspace';

describe('stored and shown messages never carry credentials from a URL', () => {
  it('a base URL with user:password and a query key: failed rows, history and Test connection are redacted', async () => {
    const ws = new Workspace('intake-redact-');
    const ai = await startAiServer();
    ai.script(() => ({ status: 500, message: 'boom' }), 'chat');
    const port = ai.port;
    await ai.down(); // nothing listens: every call fails with the URL in its message
    const service = await createIntakeService({ dbPath: ws.dbPath, dataDir: ws.dataDir, platform: headlessPlatform(ws.dataDir), allowedRoots: [ws.root] });
    const call = async <T,>(channel: string, input: unknown): Promise<T> => {
      const env = await dispatch(service.handlers, channel, input);
      if (!env.ok) throw new Error(env.error.message);
      return env.value as T;
    };
    try {
      const baseUrl = `http://alice:pw-SECRET-1@127.0.0.1:${port}/v1?api_key=q-SECRET-2&mode=x`;
      await call('settings.set', { ai: { provider: 'openai', baseUrl, maxRetries: 0, timeoutMs: 5000 } });
      ws.write('letter.txt', letter('A letter', 'A letter long enough to be classified by the AI server, about a parcel delivery.'));
      const finished = new Promise((resolve) => service.on('run.finished', resolve));
      await call('ingest.start', { paths: [ws.docs], ocr: false });
      expect(await finished).toMatchObject({ failed: 1 });

      const test = await call<{ ok: boolean; message: string }>('settings.testConnection', {});
      expect(test.ok).toBe(false);
      const db = openDatabase(ws.dbPath);
      const stored = JSON.stringify([db.prepare('SELECT reason, error_message, stack FROM failed_files').all(), db.prepare('SELECT message FROM failure_events').all()]);
      db.close();
      const [row] = (await call<{ rows: { id: number }[] }>('failed.list', {})).rows;
      const shown = JSON.stringify([test, await call('failed.get', { id: row.id })]);
      for (const text of [stored, shown]) {
        expect(text).toContain(`127.0.0.1:${port}`); // still says where
        expect(text).not.toContain('pw-SECRET-1');
        expect(text).not.toContain('q-SECRET-2');
        expect(text).not.toContain('alice:');
      }
    } finally {
      await service.close();
      await ai.close();
      await ws.close();
    }
  });

  it('redactSecrets: userinfo and secret-looking query values, nothing else', () => {
    expect(redactSecrets('at http://u:p@h:1/v1 and https://tok@x.example/a')).toBe('at http://***@h:1/v1 and https://***@x.example/a');
    expect(redactSecrets('GET https://h/v1/models?api_key=abc&limit=5&access_token=def&sig=ghi')).toBe('GET https://h/v1/models?api_key=***&limit=5&access_token=***&sig=***');
    expect(redactSecrets('mail me at a@b.example, page 2 of 3, key points')).toBe('mail me at a@b.example, page 2 of 3, key points');
    expect(redactSecrets(null)).toBeNull();
  });
});
