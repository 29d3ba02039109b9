/**
 * Browser mode's upload of dropped files, streamed to disk instead of held in memory: one POST
 * whose body is a manifest line (JSON: each file's relative path and size, then "\n") followed by
 * the files' bytes, one after another in manifest order. The server checks names, count and total
 * size from the manifest before it reads a byte of content.
 */
import { z } from 'zod';

export const INBOX_UPLOAD_PATH = '/api/inbox';
export const INBOX_UPLOAD_TYPE = 'application/vnd.intake.inbox';
/** 1000 names of up to 1024 characters fit well inside this. */
export const INBOX_MANIFEST_MAX_BYTES = 2 * 1024 * 1024;

export const inboxManifestSchema = z
  .object({
    files: z
      .array(z.object({ relativePath: z.string().min(1).max(1024), size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict())
      .min(1)
      .max(1000),
  })
  .strict();

export type InboxManifest = z.infer<typeof inboxManifestSchema>;
export type InboxEntry = InboxManifest['files'][number];

export function encodeInboxManifest(files: InboxEntry[]): string {
  return `${JSON.stringify({ files })}\n`;
}
