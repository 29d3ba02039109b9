import { relative, sep } from 'node:path';
import { unsupportedFile, type CoverageListing, type UnsupportedFile } from '../../shared/domain';
import { CoverageRepo } from '../db/coverage';
import type { Library } from './library';
import { scan } from './scan';

/**
 * One folder of the coverage map: its children with ingested · duplicate · failed ·
 * unsupported · not yet seen. The first four come from the library (SQL); with `disk`,
 * the folder is also walked and files the library has never met count as not yet seen
 * (new since the last run).
 */
export async function coverageOf(library: Library, folder: string, opts: { limit: number; disk: boolean }): Promise<CoverageListing> {
  const repo = new CoverageRepo(library.db);
  const base = folder.length > 1 ? folder.replace(/[\\/]+$/, '') : folder;
  const { total, entries, truncated } = repo.children(base, opts.limit);
  let more = truncated;
  if (opts.disk) {
    const byName = new Map(entries.map((e) => [e.name, e]));
    for await (const e of scan([base])) {
      if (e.type === 'error' || repo.isKnown(e.path)) continue;
      const rel = relative(base, e.path);
      if (!rel || rel.startsWith('..')) continue;
      const parts = rel.split(sep);
      const name = parts[0];
      const dir = parts.length > 1;
      total.unseen++;
      let entry = byName.get(name);
      if (!entry) {
        if (entries.length >= opts.limit) {
          more = true;
          continue;
        }
        entry = { name, path: `${base === sep ? '' : base}${sep}${name}`, dir, counts: { ingested: 0, duplicate: 0, failed: 0, unsupported: 0, unseen: 0 } };
        byName.set(name, entry);
        entries.push(entry);
      }
      entry.counts.unseen++;
    }
    entries.sort((a, b) => Number(b.dir) - Number(a.dir) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return { folder: base, total, entries, truncated: more };
}

/** The files under `folder` the map counts as unsupported, for "clicking unsupported lists those files". */
export function unsupportedUnder(library: Library, folder: string, limit: number): UnsupportedFile[] {
  const base = folder.length > 1 ? folder.replace(/[\\/]+$/, '') : folder;
  return new CoverageRepo(library.db).unsupportedUnder(base, limit).map(unsupportedFile);
}
