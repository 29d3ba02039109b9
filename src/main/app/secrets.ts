/**
 * The API key at rest outside Electron (browser mode, CLI, and Electron on Linux without a
 * keyring): AES-256-GCM with a random key kept in <dataDir>/secret.key, readable only by the user.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SecretBox } from './service-api';

const KEY_FILE = 'secret.key';
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function keyFileSecretBox(dataDir: string): SecretBox {
  const keyPath = path.join(dataDir, KEY_FILE);
  let key: Buffer | null = null;
  const getKey = (): Buffer => (key ??= loadOrCreateKey(keyPath));
  return {
    description: `Encrypted at rest with a key file only you can read (${keyPath})`,
    encrypt(plain: string): Buffer {
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', getKey(), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(data: Buffer): string {
      if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== VERSION) throw new Error('The stored secret is not in a known format');
      const iv = data.subarray(1, 1 + IV_BYTES);
      const tag = data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = crypto.createDecipheriv('aes-256-gcm', getKey(), iv);
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(data.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(`The stored secret cannot be decrypted with ${keyPath} (was the key file replaced?)`);
      }
    },
  };
}

function loadOrCreateKey(keyPath: string): Buffer {
  fs.mkdirSync(path.dirname(keyPath), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(keyPath, crypto.randomBytes(32), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (process.platform !== 'win32' && (fs.statSync(keyPath).mode & 0o077) !== 0) fs.chmodSync(keyPath, 0o600);
  const key = fs.readFileSync(keyPath);
  if (key.length !== 32) throw new Error(`${keyPath} is not a 32-byte key; move it away to create a new one`);
  return key;
}
