import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const CHUNK = 1024 * 1024;

/** Streaming SHA-256 in 1 MiB reads: never the whole file in memory. */
export async function sha256File(path: string): Promise<{ hash: string; bytes: number }> {
  const fh = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { hash: hash.digest('hex'), bytes };
  } finally {
    await fh.close();
  }
}
