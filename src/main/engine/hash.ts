import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const CHUNK = 1024 * 1024;

/**
 * Streaming SHA-256 in 1 MiB reads: never the whole file in memory.
 * `sizeHint` (the size the scan saw) sizes the buffer, so a 2 KB file does not
 * allocate 1 MiB; a file of at most `keepUpTo` bytes comes back as `content`,
 * which lets the caller use the very bytes it hashed instead of reading again.
 */
export async function sha256File(path: string | Buffer, opts: { sizeHint?: number; keepUpTo?: number; signal?: AbortSignal } = {}): Promise<{ hash: string; bytes: number; content?: Buffer }> {
  opts.signal?.throwIfAborted();
  const fh = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    // One byte over the hint: a file that grew since the scan still reads correctly, just in more calls.
    const size = opts.sizeHint !== undefined && opts.sizeHint >= 0 && opts.sizeHint < CHUNK ? opts.sizeHint + 1 : CHUNK;
    const buf = Buffer.allocUnsafe(size);
    const keepUpTo = opts.keepUpTo ?? -1;
    const kept: Buffer[] = [];
    let bytes = 0;
    for (;;) {
      // Checked between reads: Ctrl-C during a 10 GB file stops within one 1 MiB read.
      opts.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, size, null);
      if (bytesRead === 0) break;
      const chunk = bytesRead === size ? buf : buf.subarray(0, bytesRead);
      hash.update(chunk);
      bytes += bytesRead;
      if (bytes <= keepUpTo) kept.push(Buffer.from(chunk));
      // A short read of a regular file is its end (the caller re-checks size and mtime afterwards).
      if (bytesRead < size) break;
    }
    const out: { hash: string; bytes: number; content?: Buffer } = { hash: hash.digest('hex'), bytes };
    if (bytes <= keepUpTo) out.content = kept.length === 1 ? kept[0] : Buffer.concat(kept);
    return out;
  } finally {
    await fh.close();
  }
}
