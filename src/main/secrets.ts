/**
 * The API key at rest in the desktop app: Electron safeStorage (OS keychain / DPAPI / libsecret).
 * Where safeStorage would only obfuscate (Linux without a keyring: "basic_text"), the key-file
 * box is used instead and the Settings screen says so.
 */
import { safeStorage } from 'electron';
import type { SecretBox } from './app/service-api';
import { keyFileSecretBox } from './app/secrets';

export function isSafeStorageUsable(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (process.platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    return backend !== 'basic_text' && backend !== 'unknown';
  }
  return true;
}

export function desktopSecretBox(dataDir: string): SecretBox {
  if (!isSafeStorageUsable()) return keyFileSecretBox(dataDir);
  return {
    description: 'Encrypted with the operating system’s keychain (Electron safeStorage)',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
