import fs from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src/main/security';

const root = import.meta.dirname;
const extractWorker = path.join(root, 'src/main/extract/worker.ts');
const encoderWorker = path.join(root, 'src/main/ai/encoder-worker.mjs');

/**
 * The renderer's CSP meta comes from the same function as the session header (security.ts), so
 * the two cannot drift. The loopback websocket is for browser mode; dev mode needs the dev server.
 */
function cspMeta(): Plugin {
  let devOrigin: string | undefined;
  return {
    name: 'intake:csp-meta',
    configureServer(server) {
      const { port = 5173, host } = server.config.server;
      devOrigin = `http://${typeof host === 'string' && host !== '0.0.0.0' ? host : 'localhost'}:${port}`;
    },
    transformIndexHtml(html) {
      const policy = contentSecurityPolicy(devOrigin ? { devOrigin } : { connect: ['ws://127.0.0.1:*', 'ws://localhost:*'] });
      const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
      const existing = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>/is;
      return existing.test(html) ? html.replace(existing, meta) : html.replace(/<head>/i, `<head>\n    ${meta}`);
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Native and heavy packages load from node_modules at run time (better-sqlite3 picks its
      // Electron build through INTAKE_SQLITE_BINDING).
      externalizeDeps: { include: ['better-sqlite3'] },
      rolldownOptions: {
        input: {
          index: path.join(root, 'src/main/index.ts'),
          // The extraction child (utilityProcess / child process); built once it exists.
          ...(fs.existsSync(extractWorker) ? { 'extract-worker': extractWorker } : {}),
          // The sentence encoder's worker thread (TF.js and the model load from node_modules at run time).
          'encoder-worker': encoderWorker,
        },
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload is evaluated as one CommonJS script that may only require('electron').
      externalizeDeps: false,
      lib: { entry: path.join(root, 'src/preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
      rolldownOptions: { external: ['electron'], output: { format: 'cjs' } },
    },
  },
  renderer: {
    root: path.join(root, 'src/renderer'),
    plugins: [react(), cspMeta()],
    build: {
      outDir: path.join(root, 'out/renderer'),
      rolldownOptions: { input: path.join(root, 'src/renderer/index.html') },
    },
  },
});
