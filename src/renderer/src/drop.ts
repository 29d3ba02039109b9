/**
 * Turning a drop into something the engine can ingest. Electron gives real paths;
 * in browser mode the files themselves are read (folders walked with
 * webkitGetAsEntry) and uploaded to the app's inbox folder.
 */
import { canResolveDroppedPaths, pathForFile, uploadFiles } from './api';

export interface DroppedFile {
  relativePath: string;
  file: File;
}

/** Per upload (each is all or nothing): the manifest allows 1000 files; the bytes stream to disk. */
const BATCH_FILES = 200;
const BATCH_BYTES = 512 * 1024 * 1024;

export function dropHasPaths(): boolean {
  return canResolveDroppedPaths();
}

/** Electron: the paths of dropped files and folders. */
export function droppedPaths(dt: DataTransfer): string[] {
  return [...dt.files].map((f) => pathForFile(f)).filter((p): p is string => !!p);
}

/** Browser: every file under the dropped items, with its path relative to the drop. */
export async function droppedFiles(dt: DataTransfer): Promise<DroppedFile[]> {
  const entries = [...dt.items]
    .map((item) => (typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return [...dt.files].map((file) => ({ relativePath: file.name, file }));
  const out: DroppedFile[] = [];
  for (const entry of entries) await walk(entry, '', out);
  return out;
}

async function walk(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ relativePath: rel, file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call; read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, rel, out);
  }
}

/** Uploads dropped files to the inbox; returns the folder(s) to ingest. */
export async function uploadToInbox(files: DroppedFile[], onProgress?: (sent: number, total: number) => void): Promise<string[]> {
  const folders = new Set<string>();
  let batch: DroppedFile[] = [];
  let bytes = 0;
  let sent = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const res = await uploadFiles(batch);
    folders.add(res.folder);
    sent += batch.length;
    onProgress?.(sent, files.length);
    batch = [];
    bytes = 0;
  };
  for (const f of files) {
    if (batch.length >= BATCH_FILES || (bytes > 0 && bytes + f.file.size > BATCH_BYTES)) await flush();
    batch.push(f);
    bytes += f.file.size;
  }
  await flush();
  return [...folders];
}
