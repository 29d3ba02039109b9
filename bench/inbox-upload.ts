/**
 * Browser mode's memory while files are dropped: starts the real server (src/main/web/main.ts) in
 * its own process, uploads N files of M MB at once the way the page does, retrying a `busy` answer,
 * and reports the server's resident memory before and at its peak (VmHWM).
 *
 *   tsx bench/inbox-upload.ts [--files 4] [--mb 80] [--via stream|json]
 *
 * `json` is the old way (base64 inside an ingest.inbox JSON body; it refuses files over ~52 MB).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { memoryOf } from './proc';
import { encodeInboxManifest, INBOX_UPLOAD_PATH, INBOX_UPLOAD_TYPE } from '../src/shared/inbox-upload';

const { values } = parseArgs({ options: { files: { type: 'string', default: '4' }, mb: { type: 'string', default: '80' }, via: { type: 'string', default: 'stream' } } });
const files = Number(values.files);
const mb = Number(values.mb);
const via = values.via as 'stream' | 'json';

const root = mkdtempSync(path.join(tmpdir(), 'intake-bench-inbox-'));
const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../src/main/web/main.ts'), '--port', '0', '--data-dir', root], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, INTAKE_DB: path.join(root, 'lib', 'intake.db') },
});

try {
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const origin = new URL(url).origin;
  const token = new URL(url).hash.replace('#token=', '');
  const auth = { authorization: `Bearer ${token}` };
  const before = memoryOf(child.pid!)!;

  let peakSampled = before.rss;
  const sampler = setInterval(() => {
    const m = memoryOf(child.pid!);
    if (m) peakSampled = Math.max(peakSampled, m.rss);
  }, 20);

  const payload = Buffer.alloc(mb * 1024 * 1024, 'Intake upload bench line.\n');
  const send = async (i: number): Promise<number> => {
    let busy = 0;
    for (;;) {
      let res: Response;
      if (via === 'json') {
        const body = JSON.stringify({ files: [{ relativePath: `file-${i}.txt`, dataBase64: payload.toString('base64') }] });
        res = await fetch(`${origin}/api/invoke/ingest.inbox`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
      } else {
        const body = new Blob([encodeInboxManifest([{ relativePath: `file-${i}.txt`, size: payload.length }]), payload]);
        res = await fetch(`${origin}${INBOX_UPLOAD_PATH}`, { method: 'POST', headers: { ...auth, 'content-type': INBOX_UPLOAD_TYPE }, body });
      }
      const envelope = (await res.json()) as { ok: boolean; error?: { code: string; message: string } };
      if (envelope.ok) return busy;
      if (envelope.error?.code !== 'busy') throw new Error(`${res.status} ${envelope.error?.code}: ${envelope.error?.message}`);
      busy++;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const started = performance.now();
  const busyAnswers = await Promise.all(Array.from({ length: files }, (_, i) => send(i)));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const after = memoryOf(child.pid!)!;
  const result = {
    via,
    files,
    mbEach: mb,
    rssBeforeMb: Math.round(before.rss),
    peakRssSampledMb: Math.round(peakSampled),
    peakRssHwmMb: Math.round(after.hwm),
    rssAfterMb: Math.round(after.rss),
    busyAnswers: busyAnswers.reduce((a, b) => a + b, 0),
    seconds: Number(seconds.toFixed(1)),
  };
  console.log(JSON.stringify(result));
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(root, { recursive: true, force: true });
}
