import { useEffect, useId, useState } from 'react';
import { ERROR_CODES, FAILURE_CLASSES, STAGES, type ErrorCode, type FailureClass, type FailureGroup, type ReprocessEstimate, type Stage } from '../../../shared/domain';
import { useApp } from '../stores/app';
import { cleanFilter, useFailed, type FailedSelection } from '../stores/failed';
import { FailedGrid } from '../components/FailedGrid';
import { FailedDetail, closeDetailAndRefocus } from '../components/FailedDetail';
import { failureHelp } from '../../../shared/failure-help';
import { ReprocessReportDialog } from '../components/ReprocessReportDialog';
import { ConfirmDialog } from '../components/Dialog';
import { Card, EmptyState, Spinner } from '../components/common';
import { classLabel, codeLabel, count, plural, stageLabel } from '../format';

/** Reprocessing more files than this asks first, with the estimate. */
export const ESTIMATE_ABOVE = 20;
/** Groups listed before "Show all": the card never scrolls inside itself. */
export const GROUPS_SHOWN = 6;
const SEARCH_DEBOUNCE_MS = 250;

type Pending =
  | { kind: 'reset-all'; total: number }
  | { kind: 'reprocess'; selection: FailedSelection; estimate: ReprocessEstimate; label: string };

export function FailedFilesScreen() {
  const total = useFailed((s) => s.total);
  const loading = useFailed((s) => s.loading);
  const filter = useFailed((s) => s.filter);
  const groups = useFailed((s) => s.groups);
  const selected = useFailed((s) => s.selected);
  const busy = useFailed((s) => s.busy);
  const report = useFailed((s) => s.report);
  const detailId = useFailed((s) => s.detailId);
  const store = useFailed.getState();
  const navigate = useApp((s) => s.navigate);
  const [pending, setPending] = useState<Pending | null>(null);
  const [q, setQ] = useState(filter.q ?? '');
  const [showAllGroups, setShowAllGroups] = useState(false);
  const reprocessProgress = useFailed((s) => s.reprocessProgress);
  const ids = { stage: useId(), cls: useId(), code: useId(), q: useId() };

  useEffect(() => {
    const release = useFailed.getState().attach();
    void useFailed.getState().query();
    return release;
  }, []);

  // Debounced text search.
  useEffect(() => {
    if ((useFailed.getState().filter.q ?? '') === q) return;
    const t = setTimeout(() => useFailed.getState().setFilter({ q: q || undefined }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [q]);

  const hasFilter = Object.values(filter).some((v) => v !== undefined && v !== '' && v !== false);

  /** Large reprocesses show the estimate first; small ones just run. */
  const reprocessWithEstimate = async (selection: FailedSelection, n: number, label: string) => {
    if (n > ESTIMATE_ABOVE) {
      const estimate = await store.estimate(selection);
      if (!estimate) return;
      setPending({ kind: 'reprocess', selection, estimate, label });
      return;
    }
    await store.reprocess(selection);
  };

  const retryGroup = (g: FailureGroup) => {
    const selection: FailedSelection = { filter: { ...cleanFilter(filter), errorCode: g.errorCode, stage: g.stage }, all: true };
    void reprocessWithEstimate(selection, g.count, `${codeLabel(g.errorCode)} at ${stageLabel(g.stage)}`);
  };

  const selectedIds = [...selected];

  return (
    <div
      className={`screen screen-failed${detailId !== null ? ' with-detail' : ''}`}
      onKeyDown={(e) => {
        // Dialogs stop their own Escape; anything left closes the detail pane.
        if (e.key === 'Escape' && detailId !== null && !pending && !report) closeDetailAndRefocus();
      }}
    >
      <div className="failed-main">
        <header className="screen-header">
          <h1>Failed files</h1>
          <p className="muted">Every file that could not be ingested, why, and what to do about it.</p>
        </header>

        <div className="toolbar" role="search" aria-label="Filter failed files">
          <span className="field-inline">
            <label htmlFor={ids.stage}>Stage</label>
            <select id={ids.stage} className="input" value={filter.stage ?? ''} onChange={(e) => store.setFilter({ stage: (e.target.value || undefined) as Stage | undefined })}>
              <option value="">All stages</option>
              {STAGES.map((s) => (
                <option key={s} value={s}>
                  {stageLabel(s)}
                </option>
              ))}
            </select>
          </span>
          <span className="field-inline">
            <label htmlFor={ids.cls}>Class</label>
            <select id={ids.cls} className="input" value={filter.failureClass ?? ''} onChange={(e) => store.setFilter({ failureClass: (e.target.value || undefined) as FailureClass | undefined })}>
              <option value="">All classes</option>
              {FAILURE_CLASSES.map((c) => (
                <option key={c} value={c}>
                  {classLabel(c)}
                </option>
              ))}
            </select>
          </span>
          <span className="field-inline">
            <label htmlFor={ids.code}>Error code</label>
            <select id={ids.code} className="input" value={filter.errorCode ?? ''} onChange={(e) => store.setFilter({ errorCode: (e.target.value || undefined) as ErrorCode | undefined })}>
              <option value="">All errors</option>
              {ERROR_CODES.map((c) => (
                <option key={c} value={c}>
                  {codeLabel(c)}
                </option>
              ))}
            </select>
          </span>
          <span className="field-inline grow">
            <label htmlFor={ids.q}>Search</label>
            <input id={ids.q} type="search" className="input grow" placeholder="File name, path or message" value={q} onChange={(e) => setQ(e.target.value)} />
          </span>
          <label className="check">
            <input type="checkbox" checked={!!filter.eligibleOnly} onChange={(e) => store.setFilter({ eligibleOnly: e.target.checked || undefined })} />
            Eligible for retry only
          </label>
          {filter.folder && (
            <span className="badge badge-info folder-filter">
              Under <code title={filter.folder}>{filter.folder}</code>
              <button type="button" className="link-button" aria-label="Remove the folder filter" onClick={() => store.setFilter({ folder: undefined })}>
                ×
              </button>
            </span>
          )}
          {hasFilter && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                setQ('');
                store.clearFilter();
              }}
            >
              Clear filters
            </button>
          )}
        </div>

        <div className="toolbar bulk" aria-label="Bulk actions">
          <span className="muted">{selected.size > 0 ? `${count(selected.size)} selected` : 'Select rows for bulk actions'}</span>
          <button type="button" className="btn" disabled={selected.size === 0 || !!busy} onClick={() => void store.reset({ ids: selectedIds })}>
            Reset selected
          </button>
          <button type="button" className="btn" disabled={selected.size === 0 || !!busy} onClick={() => void reprocessWithEstimate({ ids: selectedIds }, selectedIds.length, plural(selectedIds.length, 'selected file'))}>
            Reprocess selected
          </button>
          <button type="button" className="btn btn-danger-outline" disabled={!total || !!busy} onClick={() => setPending({ kind: 'reset-all', total: total ?? 0 })}>
            Reset all matching
          </button>
          {busy && (
            <span className="muted bulk-progress" role="status" aria-label="Bulk progress">
              <Spinner label={busy} /> {busy}
              {reprocessProgress && (
                <>
                  {' '}
                  {count(reprocessProgress.done)} / {count(reprocessProgress.total)} files
                  {reprocessProgress.status === 'running' && (
                    <button type="button" className="btn btn-small btn-danger-outline" onClick={() => void store.cancelReprocess()}>
                      Cancel
                    </button>
                  )}
                </>
              )}
            </span>
          )}
        </div>

        {groups.length > 0 && (
          <Card title="By error" className="groups-card">
            <ul className="groups">
              {(showAllGroups ? groups : groups.slice(0, GROUPS_SHOWN)).map((g) => (
                <li key={`${g.errorCode}-${g.stage}`} className="group">
                  <button type="button" className="link-button group-name" title={failureHelp({ errorCode: g.errorCode, fingerprint: {} }).cause} onClick={() => store.setFilter({ errorCode: g.errorCode, stage: g.stage })}>
                    {codeLabel(g.errorCode)}
                  </button>
                  <span className="muted">{stageLabel(g.stage)}</span>
                  <span className="group-count">{count(g.count)}</span>
                  <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => retryGroup(g)} aria-label={`Retry this group: ${codeLabel(g.errorCode)} at ${stageLabel(g.stage)}`}>
                    Retry this group
                  </button>
                </li>
              ))}
            </ul>
            {groups.length > GROUPS_SHOWN && (
              <button type="button" className="link-button groups-more" onClick={() => setShowAllGroups(!showAllGroups)}>
                {showAllGroups ? 'Show fewer' : `Show all ${groups.length} groups`}
              </button>
            )}
          </Card>
        )}

        {total === 0 && !loading ? (
          hasFilter ? (
            <EmptyState title="No failed files match these filters.">
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setQ('');
                  store.clearFilter();
                }}
              >
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <EmptyState title="No failed files — everything you ingested made it into the library.">
              <button type="button" className="btn" onClick={() => navigate('documents')}>
                Browse documents
              </button>
            </EmptyState>
          )
        ) : total === null ? (
          <p className="muted">
            <Spinner label="Loading failed files" /> Loading…
          </p>
        ) : (
          <FailedGrid />
        )}
      </div>

      <FailedDetail />

      {pending?.kind === 'reset-all' && (
        <ConfirmDialog
          title="Reset all matching?"
          confirmLabel={`Reset ${count(pending.total)}`}
          danger
          onCancel={() => setPending(null)}
          onConfirm={() => {
            setPending(null);
            void store.reset({ filter: cleanFilter(filter), all: true });
          }}
        >
          <p>
            This removes the failure records of <strong>{plural(pending.total, 'file')}</strong>
            {hasFilter ? ' matching the current filter' : ''}. They will be tried again the next time their folder is ingested.
          </p>
        </ConfirmDialog>
      )}

      {pending?.kind === 'reprocess' && (
        <ConfirmDialog
          title="Reprocess these files?"
          confirmLabel={`Reprocess ${count(pending.estimate.files)}`}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const selection = pending.selection;
            setPending(null);
            void store.reprocess(selection);
          }}
        >
          <p>Reprocessing {pending.label} will take roughly:</p>
          <dl className="counts" aria-label="Estimate">
            <div>
              <dt>Files</dt>
              <dd>{count(pending.estimate.files)}</dd>
            </div>
            <div>
              <dt>AI calls</dt>
              <dd>{count(pending.estimate.aiCalls)}</dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd>{count(pending.estimate.tokens)}</dd>
            </div>
          </dl>
          {pending.estimate.missingFiles > 0 && <p className="notice notice-warn">{plural(pending.estimate.missingFiles, 'file')} no longer exist and will fail again.</p>}
        </ConfirmDialog>
      )}

      {report && <ReprocessReportDialog report={report} onClose={store.dismissReport} />}
    </div>
  );
}
