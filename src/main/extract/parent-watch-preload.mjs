// Preloaded (`--import`, after tsx) into an extractor child started from the TypeScript
// sources, so the parent watch runs while the rest of the child loads. Plain JavaScript:
// `--import` also runs in worker threads (tesseract's), where tsx does not load .ts files.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) await import('./parent-watch.ts');
