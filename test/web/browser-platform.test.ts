import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/app/dispatch';
import { headlessPlatform } from '../../src/main/app/platform';
import { libraryFile } from '../../src/main/app/paths';
import { fakeService } from '../shell/fake-service';

describe('browser mode stands in for what only the desktop can do', () => {
  it('has no native folder picker, refuses "Show in folder" with not_supported, and opens nothing', async () => {
    const platform = headlessPlatform(fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bp-')));
    expect(platform.mode).toBe('browser');
    expect(await platform.chooseFolder()).toBeNull();
    await expect(platform.openExternal('https://example.com/')).resolves.toBeUndefined();
    const service = fakeService();
    service.handlers['shell.showInFolder'].mockImplementation(({ path: p }: { path: string }) => platform.showInFolder(p));
    expect(await dispatch(service.handlers, 'shell.showInFolder', { path: '/tmp/a.pdf' })).toEqual({
      ok: false,
      error: { code: 'not_supported', message: 'Show in folder is not available without the desktop app' },
    });
  });

  it('keeps the API key with the key-file box in the data folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bp-'));
    const { secrets } = headlessPlatform(dir);
    expect(secrets.decrypt(secrets.encrypt('sk-1'))).toBe('sk-1');
    expect(fs.existsSync(path.join(dir, 'secret.key'))).toBe(true);
  });

  it('puts the library in the data folder unless INTAKE_DB says otherwise', () => {
    const saved = process.env.INTAKE_DB;
    delete process.env.INTAKE_DB;
    expect(libraryFile({ dataDir: '/data' })).toBe(path.join('/data', 'intake.db'));
    expect(libraryFile({ given: 'lib.db', dataDir: '/data' })).toBe(path.resolve('lib.db'));
    process.env.INTAKE_DB = '/elsewhere/lib.db';
    expect(libraryFile({ dataDir: '/data' })).toBe('/elsewhere/lib.db');
    expect(libraryFile({ given: '/mine.db', dataDir: '/data' })).toBe('/mine.db');
    if (saved === undefined) delete process.env.INTAKE_DB;
    else process.env.INTAKE_DB = saved;
  });
});
