import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyFileSecretBox } from '../../src/main/app/secrets';

describe('browser mode keeps the API key encrypted with a key file only the user can read', () => {
  it('round-trips, never stores the plain text, and writes the key with mode 0600', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-secret-'));
    const box = keyFileSecretBox(dir);
    const sealed = box.encrypt('sk-live-123');
    expect(sealed.toString('utf8')).not.toContain('sk-live-123');
    expect(box.decrypt(sealed)).toBe('sk-live-123');
    expect(box.encrypt('sk-live-123').equals(sealed)).toBe(false);
    const key = path.join(dir, 'secret.key');
    expect(fs.readFileSync(key)).toHaveLength(32);
    if (process.platform !== 'win32') expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    expect(box.description).toContain(key);
    // A second box (the next start) reads the same key.
    expect(keyFileSecretBox(dir).decrypt(sealed)).toBe('sk-live-123');
  });

  it('refuses tampered data and data sealed with another key', () => {
    const a = keyFileSecretBox(fs.mkdtempSync(path.join(os.tmpdir(), 'intake-secret-')));
    const b = keyFileSecretBox(fs.mkdtempSync(path.join(os.tmpdir(), 'intake-secret-')));
    const sealed = a.encrypt('secret');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => a.decrypt(tampered)).toThrow(/cannot be decrypted/);
    expect(() => b.decrypt(sealed)).toThrow(/cannot be decrypted/);
    expect(() => a.decrypt(Buffer.from('short'))).toThrow(/known format/);
  });

  it('tightens a key file that others could read', () => {
    if (process.platform === 'win32') return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-secret-'));
    const key = path.join(dir, 'secret.key');
    fs.writeFileSync(key, Buffer.alloc(32, 7), { mode: 0o644 });
    fs.chmodSync(key, 0o644);
    keyFileSecretBox(dir).encrypt('x');
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);
  });
});
