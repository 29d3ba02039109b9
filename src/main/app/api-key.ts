/**
 * Which API key may go to which server. A saved key is bound to the origin it was saved for,
 * as a password manager binds a password to a site: pointing the base URL elsewhere (through
 * Settings, the table browser, or sqlite3) never sends it there. The OPENAI_API_KEY from the
 * environment goes only to the official OpenAI origin, or to a base URL the same command gave.
 */

export const OFFICIAL_OPENAI_ORIGIN = 'https://api.openai.com';

/** The key as stored (encrypted as a whole, so the binding cannot be edited apart from it). */
export interface BoundKey {
  origin: string;
  key: string;
}

/** `scheme://host:port` of a base URL, lower-cased; null when it is not an http(s) URL. */
export function originOf(baseUrl: string): string | null {
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

export function encodeBoundKey(bound: BoundKey): string {
  return JSON.stringify({ v: 1, origin: bound.origin, key: bound.key });
}

/** A stored payload → the bound key. A key saved before binding existed comes back with origin null. */
export function decodeBoundKey(plain: string): { origin: string | null; key: string } {
  try {
    const parsed = JSON.parse(plain) as { v?: unknown; origin?: unknown; key?: unknown };
    if (parsed && parsed.v === 1 && typeof parsed.origin === 'string' && typeof parsed.key === 'string') return { origin: parsed.origin, key: parsed.key };
  } catch {
    // a bare key from an older version
  }
  return { origin: null, key: plain };
}

export interface KeyChoice {
  /** The saved key, if any, with the origin it is bound to. */
  saved?: { origin: string | null; key: string };
  /** OPENAI_API_KEY from the environment. */
  envKey?: string;
  /** The base URL this call will talk to. */
  baseUrl: string;
  /** True when the base URL came from the same command line as the environment key (CLI flag / OPENAI_BASE_URL). */
  baseUrlFromCaller?: boolean;
}

/** The key that may be sent to `baseUrl`, or undefined. */
export function keyFor(choice: KeyChoice): string | undefined {
  const origin = originOf(choice.baseUrl);
  if (!origin) return undefined;
  if (choice.saved && choice.saved.origin === origin) return choice.saved.key;
  if (choice.envKey && (origin === OFFICIAL_OPENAI_ORIGIN || choice.baseUrlFromCaller)) return choice.envKey;
  return undefined;
}
