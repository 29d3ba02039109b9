import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExtractor, type ProcessExtractor } from '../../src/main/extract';
import { extractorEnv } from '../../src/main/extract/pool';

const SECRETS = {
  OPENAI_API_KEY: 'sk-must-not-reach-the-extractor',
  GITHUB_TOKEN: 'ghp-must-not-reach',
  DB_PASSWORD: 'hunter2-must-not-reach',
  MY_SERVICE_SECRET: 'secret-must-not-reach',
};

let dir: string;
let extractor: ProcessExtractor | null = null;
const saved: Record<string, string | undefined> = {};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'intake-env-'));
  for (const [k, v] of Object.entries(SECRETS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  saved.HTTPS_PROXY = process.env.HTTPS_PROXY;
  process.env.HTTPS_PROXY = 'http://proxyuser:proxy-password-must-not-reach@127.0.0.1:9';
  saved.NO_PROXY = process.env.NO_PROXY;
  process.env.NO_PROXY = '*';
});
afterEach(async () => {
  await extractor?.close();
  extractor = null;
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the extraction processes get no secrets', () => {
  it('their /proc/<pid>/environ holds neither the OpenAI key nor other credentials, and they still extract', async () => {
    extractor = createExtractor({ ocrLanguages: ['eng'], workers: 1, pageCap: 1, timeoutMs: 120_000, memoryLimitMb: 256, cachePath: join(dir, 'ocr-cache') });
    const file = join(dir, 'a.txt');
    writeFileSync(file, 'A plain letter about the garden, long enough to count as text for the extractor.');
    const result = await extractor.extractText(file, 'text');
    expect(result.text).toContain('garden');
    const pids = extractor.pids();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      for (const value of Object.values(SECRETS)) expect(environ).not.toContain(value);
      expect(environ).not.toContain('proxy-password-must-not-reach');
      expect(environ).toContain('PATH=');
    }
  });

  it('extractorEnv keeps ordinary variables and drops credential-looking ones', () => {
    const env = extractorEnv({ PATH: '/usr/bin', HOME: '/home/u', LANG: 'C.UTF-8', OPENAI_API_KEY: 'x', AWS_ACCESS_KEY_ID: 'x', npm_config_authtoken: 'x', INTAKE_EXTRACT_STDERR: '1', http_proxy: 'http://u:p@h:1' });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/u', LANG: 'C.UTF-8', INTAKE_EXTRACT_STDERR: '1', http_proxy: 'http://h:1' });
  });
});

describe("the extraction processes' allocator", () => {
  it('returns large freed buffers to the system (fixed mmap threshold, two arenas), unless the user set their own', async () => {
    saved.MALLOC_ARENA_MAX = process.env.MALLOC_ARENA_MAX;
    saved.MALLOC_MMAP_THRESHOLD_ = process.env.MALLOC_MMAP_THRESHOLD_;
    delete process.env.MALLOC_MMAP_THRESHOLD_;
    process.env.MALLOC_ARENA_MAX = '4';
    extractor = createExtractor({ ocrLanguages: ['eng'], workers: 1, pageCap: 1, timeoutMs: 120_000, memoryLimitMb: 256, cachePath: join(dir, 'ocr-cache') });
    const file = join(dir, 'b.txt');
    writeFileSync(file, 'A short note about the allocator, long enough to count as text for the extractor.');
    expect((await extractor.extractText(file, 'text')).text).toContain('allocator');
    const pids = extractor.pids();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain('MALLOC_MMAP_THRESHOLD_=131072');
      expect(environ).toContain('MALLOC_ARENA_MAX=4');
    }
  });
});
