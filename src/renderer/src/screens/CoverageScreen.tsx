import { Fragment, useEffect, useId, useState } from 'react';
import { COVERAGE_CATEGORIES, type CoverageCategory, type CoverageCounts, type CoverageEntry, type UnsupportedFile } from '../../../shared/domain';
import { call } from '../api';
import { useCoverage } from '../stores/coverage';
import { openFailedUnder } from '../stores/folder-links';
import { toastError } from '../stores/toasts';
import { useFolderPicker } from '../components/FolderBrowser';
import { UnsupportedDialog } from '../components/UnsupportedFiles';
import { Card, EmptyState, Spinner } from '../components/common';
import { basename, count } from '../format';
import '../watch.css';

export const CATEGORY_LABEL: Record<CoverageCategory, string> = {
  ingested: 'Ingested',
  duplicate: 'Duplicate',
  failed: 'Failed',
  unsupported: 'Unsupported',
  unseen: 'Not yet seen',
};
const CATEGORY_HINT: Record<CoverageCategory, string> = {
  ingested: 'in the library',
  duplicate: 'same content as a file in the library, skipped',
  failed: 'recorded under Failed files, with the reason',
  unsupported: 'a type Intake does not read',
  unseen: 'new or changed since the last run: ingest the folder to take them',
};

const sum = (k: CoverageCounts) => COVERAGE_CATEGORIES.reduce((n, c) => n + k[c], 0);
const fileCategory = (k: CoverageCounts) => COVERAGE_CATEGORIES.find((c) => k[c] > 0) ?? 'unseen';

function CoverageBar({ counts }: { counts: CoverageCounts }) {
  const total = sum(counts);
  const title = COVERAGE_CATEGORIES.filter((c) => counts[c] > 0)
    .map((c) => `${count(counts[c])} ${CATEGORY_LABEL[c].toLowerCase()}`)
    .join(' · ');
  return (
    <div className="cov-bar" title={title} aria-hidden="true">
      {total > 0 && COVERAGE_CATEGORIES.map((c) => (counts[c] > 0 ? <span key={c} className={`cov-${c}`} style={{ width: `${(100 * counts[c]) / total}%` }} /> : null))}
    </div>
  );
}

interface Row {
  entry: CoverageEntry;
  depth: number;
}

export function CoverageScreen() {
  const folder = useCoverage((s) => s.folder);
  const listings = useCoverage((s) => s.listings);
  const expanded = useCoverage((s) => s.expanded);
  const loading = useCoverage((s) => s.loading);
  const checkingDisk = useCoverage((s) => s.checkingDisk);
  const [pathText, setPathText] = useState(folder ?? '');
  const { choose: chooseFolder, picker } = useFolderPicker((p) => show(p), pathText.trim() || undefined);
  const [unsupported, setUnsupported] = useState<{ files: UnsupportedFile[]; total: number } | null>(null);
  const pathId = useId();

  useEffect(() => {
    const release = useCoverage.getState().attach();
    // First visit: the folder of the latest run is the likeliest question.
    if (!useCoverage.getState().folder && !pathText)
      void call('runs.list', { limit: 1 })
        .then((runs) => {
          const root = runs[0]?.roots[0];
          if (root && !useCoverage.getState().folder) {
            setPathText(root);
            void useCoverage.getState().open(root);
          }
        })
        .catch(() => undefined);
    return release;
  }, []);

  const show = (p: string) => {
    setPathText(p);
    void useCoverage.getState().open(p);
  };


  const listUnsupported = async (path: string, total: number) => {
    try {
      setUnsupported({ files: await call('coverage.unsupported', { folder: path, limit: 500 }), total });
    } catch (e) {
      toastError(e, 'Could not list the unsupported files');
    }
  };

  const root = folder ? listings[folder] : undefined;
  const rows: Row[] = [];
  const walk = (path: string, depth: number) => {
    for (const entry of listings[path]?.entries ?? []) {
      rows.push({ entry, depth });
      if (entry.dir && expanded[entry.path]) walk(entry.path, depth + 1);
    }
  };
  if (folder) walk(folder, 1);

  const countCells = (path: string, name: string, counts: CoverageCounts, dir: boolean) =>
    COVERAGE_CATEGORIES.map((c) => {
      const n = counts[c];
      let body: React.ReactNode = n === 0 ? <span className="muted">0</span> : count(n);
      if (dir && n > 0 && c === 'failed')
        body = (
          <button type="button" className="link-button text-danger" aria-label={`${count(n)} failed in ${name}: show them`} onClick={() => openFailedUnder(path)}>
            {count(n)}
          </button>
        );
      else if (dir && n > 0 && c === 'unsupported')
        body = (
          <button type="button" className="link-button" aria-label={`${count(n)} unsupported in ${name}: list them`} onClick={() => void listUnsupported(path, n)}>
            {count(n)}
          </button>
        );
      return (
        <td key={c} className="num">
          {body}
        </td>
      );
    });

  return (
    <div className="screen screen-coverage">
      <header className="screen-header">
        <h1>Coverage</h1>
        <p className="muted">Did everything in a folder make it? Every file Intake has met there, folder by folder: in the library, skipped as a duplicate, failed, unsupported, or not yet seen.</p>
      </header>

      <div className="cov-pick">
        <button type="button" className="btn btn-primary" onClick={() => void chooseFolder()}>
          Choose folder…
        </button>
        <form
          className="path-form grow"
          onSubmit={(e) => {
            e.preventDefault();
            if (pathText.trim()) show(pathText.trim());
          }}
        >
          <label htmlFor={pathId}>Folder</label>
          <input id={pathId} type="text" className="input grow" placeholder="/path/to/documents" value={pathText} onChange={(e) => setPathText(e.target.value)} spellCheck={false} autoComplete="off" />
          <button type="submit" className="btn" disabled={!pathText.trim()}>
            Show
          </button>
        </form>
      </div>

      <div className="cov-legend" aria-label="Legend">
        {COVERAGE_CATEGORIES.map((c) => (
          <span key={c} title={CATEGORY_HINT[c]}>
            <span className={`cov-key cov-${c}`} aria-hidden="true" />
            {CATEGORY_LABEL[c]} <span className="sr-only">: {CATEGORY_HINT[c]}</span>
          </span>
        ))}
      </div>

      <Card
        title={folder ? <span title={folder}>{folder}</span> : 'No folder chosen'}
        actions={checkingDisk ? <span className="muted small"><Spinner label="Checking the disk for new files" /> Looking for files not yet seen…</span> : undefined}
      >
        {!folder ? (
          <EmptyState title="Choose a folder to map.">Every file Intake has met under it is counted, down to single files; a failed count opens those files under Failed files.</EmptyState>
        ) : !root ? (
          <Spinner label="Reading the library" />
        ) : sum(root.total) === 0 ? (
          <EmptyState title="Intake has met no file here yet.">Ingest the folder (or watch it) and its files show up here.</EmptyState>
        ) : (
          <div className="table-scroll">
            <table className="cov-tree" aria-label={`Coverage of ${folder}`}>
              <thead>
                <tr>
                  <th scope="col">Folder or file</th>
                  <th scope="col">Share</th>
                  {COVERAGE_CATEGORIES.map((c) => (
                    <th key={c} scope="col" className="num" title={CATEGORY_HINT[c]}>
                      {CATEGORY_LABEL[c]}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                <tr className="cov-root" data-path={folder}>
                  <th scope="row">
                    <span className="cov-name">
                      <strong>{basename(folder) || folder}</strong> <span className="muted small">(all)</span>
                    </span>
                  </th>
                  <td>
                    <CoverageBar counts={root.total} />
                  </td>
                  {countCells(folder, basename(folder) || folder, root.total, true)}
                  <td className="num">{count(sum(root.total))}</td>
                </tr>
                {rows.map(({ entry, depth }) => (
                  <Fragment key={entry.path}>
                    <tr data-path={entry.path}>
                      <th scope="row">
                        <span className="cov-name" style={{ paddingLeft: `${(depth - 1) * 18}px` }}>
                          {entry.dir ? (
                            <button
                              type="button"
                              className="cov-toggle"
                              aria-expanded={!!expanded[entry.path]}
                              aria-label={`${expanded[entry.path] ? 'Collapse' : 'Expand'} ${entry.name}`}
                              onClick={() => void useCoverage.getState().toggle(entry.path)}
                            >
                              {expanded[entry.path] ? '▾' : '▸'}
                            </button>
                          ) : (
                            <span className="cov-spacer" />
                          )}
                          <span className={entry.dir ? undefined : 'cov-file'}>{entry.name}{entry.dir ? '/' : ''}</span>
                          {loading[entry.path] && <Spinner label={`Reading ${entry.name}`} />}
                        </span>
                      </th>
                      <td>{entry.dir ? <CoverageBar counts={entry.counts} /> : <span className={`cov-file-cat`}><span className={`cov-key cov-${fileCategory(entry.counts)}`} aria-hidden="true" />{CATEGORY_LABEL[fileCategory(entry.counts)]}</span>}</td>
                      {countCells(entry.path, entry.name, entry.counts, entry.dir)}
                      <td className="num">{count(sum(entry.counts))}</td>
                    </tr>
                    {entry.dir && expanded[entry.path] && listings[entry.path]?.truncated && (
                      <tr className="cov-more">
                        <td colSpan={8} style={{ paddingLeft: `${depth * 18 + 28}px` }}>
                          The first {count(listings[entry.path].entries.length)} entries of {entry.name} are shown; the counts above include them all.
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
                {root.truncated && (
                  <tr className="cov-more">
                    <td colSpan={8}>The first {count(root.entries.length)} entries are shown; the counts in the first row include them all.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {unsupported && <UnsupportedDialog files={unsupported.files} total={unsupported.total} onClose={() => setUnsupported(null)} />}
      {picker}
    </div>
  );
}
