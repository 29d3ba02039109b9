import { useEffect, useRef } from 'react';
import type { FailedFileDetail } from '../../../shared/domain';
import { call } from '../api';
import { useApp, useIsBrowserMode } from '../stores/app';
import { useFailed, type RowOutcome } from '../stores/failed';
import { toastError, toastSuccess } from '../stores/toasts';
import { codeLabel, stageLabel } from '../format';
import { ClassBadge, EligibleBadge, Spinner, TimeFull } from './common';

/** The one failed file being inspected, with its history and the single-row actions. */
export function FailedDetail() {
  const detailId = useFailed((s) => s.detailId);
  const detail = useFailed((s) => s.detail);
  const loading = useFailed((s) => s.detailLoading);
  const outcome = useFailed((s) => (s.detailId !== null ? s.outcomes[s.detailId] : undefined));
  const { closeDetail, reset, reprocessOne } = useFailed.getState();
  const browserMode = useIsBrowserMode();
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (detail) headingRef.current?.focus();
  }, [detail?.id]);

  if (detailId === null) return null;

  return (
    <aside
      className="detail-pane"
      aria-label="Failed file details"
      onKeyDown={(e) => {
        if (e.key === 'Escape') closeDetail();
      }}
    >
      <header className="detail-header">
        <h2 ref={headingRef} tabIndex={-1} className="detail-title" title={detail?.filePath}>
          {detail?.filename ?? 'Loading…'}
        </h2>
        <button type="button" className="btn btn-icon" aria-label="Close details" onClick={closeDetail}>
          ×
        </button>
      </header>
      {!detail && loading && <Spinner label="Loading details" />}
      {detail && (
        <>
          <div className="detail-actions">
            <button type="button" className="btn btn-primary" disabled={outcome?.state === 'running'} onClick={() => void reprocessOne(detail.id)}>
              Reset &amp; reprocess
            </button>
            <button type="button" className="btn" disabled={outcome?.state === 'running'} onClick={() => void reset({ ids: [detail.id] })}>
              Reset
            </button>
            <button type="button" className="btn" onClick={() => void copyError(detail)}>
              Copy error
            </button>
            {!browserMode && (
              <button type="button" className="btn" onClick={() => void showInFolder(detail.filePath)}>
                Show in folder
              </button>
            )}
          </div>
          <OutcomeLine outcome={outcome} />
          <div className="detail-badges">
            <ClassBadge failureClass={detail.failureClass} />
            <EligibleBadge reason={detail.eligibleForRetry} />
          </div>
          <p className="detail-message">{detail.errorMessage || detail.reason}</p>
          <dl className="detail-fields">
            <dt>Reason</dt>
            <dd>{detail.reason}</dd>
            <dt>Stage</dt>
            <dd>{stageLabel(detail.stage)}</dd>
            <dt>Error</dt>
            <dd>
              {codeLabel(detail.errorCode)} <code>{detail.errorCode}</code>
              {detail.errorType && <span className="muted"> ({detail.errorType})</span>}
            </dd>
            <dt>Path</dt>
            <dd>
              <code className="break">{detail.filePath}</code>
            </dd>
            <dt>Hash</dt>
            <dd>
              <code className="break">{detail.fileHash ?? '—'}</code>
            </dd>
            <dt>Attempts</dt>
            <dd>{detail.attempts}</dd>
            <dt>First failure</dt>
            <dd>
              <TimeFull ts={detail.firstFailedAt} />
            </dd>
            <dt>Last failure</dt>
            <dd>
              <TimeFull ts={detail.failedAt} />
            </dd>
            {detail.runId !== null && (
              <>
                <dt>Run</dt>
                <dd>{detail.runId}</dd>
              </>
            )}
          </dl>
          <h3 className="subhead">Settings it failed under</h3>
          <pre className="code-block">{JSON.stringify(detail.fingerprint, null, 2)}</pre>
          <h3 className="subhead">History</h3>
          {detail.events.length === 0 ? (
            <p className="muted">No earlier attempts recorded.</p>
          ) : (
            <ol className="history">
              {detail.events.map((ev) => (
                <li key={ev.id} className={`history-${ev.kind}`}>
                  <div className="history-head">
                    <span className={`badge badge-${ev.kind === 'success' ? 'ok' : ev.kind === 'reset' ? 'neutral' : 'danger'}`}>{ev.kind === 'failure' ? 'Failed' : ev.kind === 'reset' ? 'Reset' : 'Ingested'}</span>
                    <TimeFull ts={ev.at} />
                  </div>
                  {ev.kind === 'failure' && (
                    <div className="muted">
                      {stageLabel(ev.stage)} · {codeLabel(ev.errorCode)}
                    </div>
                  )}
                  {ev.message && <div className="history-msg">{ev.message}</div>}
                </li>
              ))}
            </ol>
          )}
          {detail.stack && (
            <details className="stack">
              <summary>Stack trace</summary>
              <pre className="code-block">{detail.stack}</pre>
            </details>
          )}
        </>
      )}
    </aside>
  );
}

function OutcomeLine({ outcome }: { outcome: RowOutcome | undefined }) {
  const navigate = useApp((s) => s.navigate);
  if (!outcome) return null;
  if (outcome.state === 'running')
    return (
      <p className="outcome outcome-running" role="status">
        <Spinner label="Reprocessing" /> Reprocessing…
      </p>
    );
  if (outcome.state === 'error')
    return (
      <p className="outcome outcome-failed" role="status">
        Could not reprocess: {outcome.message}
      </p>
    );
  const o = outcome.outcome;
  if (!o || o.outcome === 'skipped')
    return (
      <p className="outcome" role="status">
        Skipped — the file was not reprocessed{o?.reason ? `: ${o.reason}` : '.'}
      </p>
    );
  if (o.outcome === 'succeeded')
    return (
      <p className="outcome outcome-ok" role="status">
        Ingested ✓{' '}
        {o.documentId !== undefined && (
          <button type="button" className="link-button" onClick={() => navigate('documents')}>
            Open Documents
          </button>
        )}
      </p>
    );
  return (
    <p className="outcome outcome-failed" role="status">
      {o.outcome === 'failed_same' ? 'Failed the same way' : 'Failed differently'}: {stageLabel(o.stage)} · {codeLabel(o.errorCode)}
      {o.reason ? ` — ${o.reason}` : ''}
    </p>
  );
}

async function copyError(d: FailedFileDetail) {
  const text = [`${d.filename}: ${d.reason}`, `Stage: ${d.stage}  Code: ${d.errorCode}  Class: ${d.failureClass}`, `Path: ${d.filePath}`, d.errorMessage, d.stack ?? ''].filter(Boolean).join('\n');
  try {
    await navigator.clipboard.writeText(text);
    toastSuccess('Error copied to the clipboard');
  } catch (e) {
    toastError(e, 'Could not copy');
  }
}

async function showInFolder(path: string) {
  try {
    await call('shell.showInFolder', { path });
  } catch (e) {
    toastError(e, 'Could not show the file');
  }
}
