/**
 * Messages are stored (failed_files, failure_events) and shown (Failed files, Test connection,
 * the CLI); a base URL like `http://user:pw@host/v1?api_key=…` must not carry its credentials
 * into them. Userinfo and secret-looking query values become `***`.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#]*@/gi;
const SECRET_PARAM = /([?&;](?:[a-z0-9_-]*(?:key|token|secret|password|passwd|pwd|auth|signature|sig|credential|session)[a-z0-9_-]*|pw|pass|code))=([^&\s#"'<>]+)/gi;

export function redactSecrets(text: string): string;
export function redactSecrets(text: string | null): string | null;
export function redactSecrets(text: string | null): string | null {
  if (text === null) return null;
  return text.replace(USERINFO, '$1***@').replace(SECRET_PARAM, '$1=***');
}
