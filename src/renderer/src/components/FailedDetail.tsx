import { useEffect, useRef } from 'react';
import type { FailedFileDetail } from '../../../shared/domain';
import { call } from '../api';
import { useApp, useIsBrowserMode } from '../stores/app';
import { useFailed, type RowOutcome } from '../stores/failed';
import { toastError, toastSuccess } from '../stores/toasts';
import { errorReport, failureHelp, sentenceCase } from '../../../shared/failure-help';
import { codeLabel, stageLabel, toDate } from '../format';
import { ClassBadge, EligibleBadge, MiddleEllipsis, Spinner, TimeFull } from './common';

/** The one failed file being inspected, with its history and the single-row actions. */
export function FailedDetail() {
  const detailId = useFailed((s) => s.detailId);
  const detail = useFailed((s) => s.detail);
  const gone = useFailed((s) => s.detailGone);
  const loading = useFailed((s) => s.detailLoading);
  const outcome = useFailed((s) => (s.detailId !== null ? s.outcomes[s.detailId] : undefined));
  const { reset, reprocessOne } = useFailed.getState();
  const browserMode = useIsBrowserMode();
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (detail) headingRef.current?.focus();
  }, [detail?.id]);

  if (detailId === null) return null;
  const ingested = outcome?.state === 'done' && outcome.outcome?.outcome === 'succeeded';
  // A row that is gone (ingested, or reset elsewhere) shows what happened, not its old failure.
  const current = gone || ingested ? null : detail;

  return (
    <aside
      className="detail-pane"
      aria-label="Failed file details"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          closeDetailAndRefocus();
        }
      }}
    >
      <header className="detail-header">
        {/* The name is cut in the middle on screen; its accessible name is the whole file name. */}
        <h2 ref={headingRef} tabIndex={-1} className="detail-title" title={detail?.filePath} aria-label={detail?.filename}>
          {detail ? <MiddleEllipsis text={detail.filename} /> : gone ? 'No longer failed' : 'Loading…'}
        </h2>
        <button type="button" className="btn btn-icon" aria-label="Close details" onClick={closeDetailAndRefocus}>
          ×
        </button>
      </header>
      {!detail && !gone && loading && <Spinner label="Loading details" />}
      {(gone || ingested) && (
        <>
          <OutcomeLine outcome={outcome} />
          <p className="muted" data-testid="detail-gone">
            {ingested ? 'This file is in the library now; it is no longer a failed file.' : 'This file is no longer in Failed files (it was ingested or reset).'}
          </p>
        </>
      )}
      {current && <CurrentFailure detail={current} outcome={outcome} browserMode={browserMode} onReset={() => void reset({ ids: [current.id] })} onReprocess={() => void reprocessOne(current.id)} />}
    </aside>
  );
}

/** Closes the pane and puts focus back on the row it was opened from. */
export function closeDetailAndRefocus(): void {
  const id = useFailed.getState().detailId;
  useFailed.getState().closeDetail();
  if (id === null) return;
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`[role="row"][data-row-id="${id}"]`)?.focus());
}

function CurrentFailure({ detail, outcome, browserMode, onReset, onReprocess }: { detail: FailedFileDetail; outcome: RowOutcome | undefined; browserMode: boolean; onReset(): void; onReprocess(): void }) {
  const help = failureHelp(detail);
  const message = detail.errorMessage && detail.errorMessage !== detail.reason ? detail.errorMessage : null;
  const fingerprint = Object.entries(detail.fingerprint);
  return (
    <>
      <div className="detail-actions">
        <button type="button" className="btn btn-primary" disabled={outcome?.state === 'running'} onClick={onReprocess}>
          Reset &amp; reprocess
        </button>
        <button type="button" className="btn" disabled={outcome?.state === 'running'} onClick={onReset}>
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
      <section className="detail-help" aria-label="What to do">
        <p className="detail-cause">{help.cause}</p>
        <p className="detail-next">
          <strong>Next step:</strong> {help.next}
        </p>
        {detail.eligibleForRetry && <EligibleExplanation reason={detail.eligibleForRetry} />}
      </section>
      <dl className="detail-fields">
        <dt>Reason</dt>
        <dd>{sentenceCase(detail.reason)}</dd>
        <dt>Stage</dt>
        <dd>{stageLabel(detail.stage)}</dd>
        <dt>Error</dt>
        <dd>
          {codeLabel(detail.errorCode)} · <code>{detail.errorCode}</code>
        </dd>
        {message && (
          <>
            <dt>Message</dt>
            <dd className="break">{message}</dd>
          </>
        )}
        <dt>Path</dt>
        <dd>
          <code className="break">{detail.filePath}</code>
        </dd>
        {detail.otherPaths && detail.otherPaths.length > 0 && (
          <>
            <dt>Also at</dt>
            <dd data-testid="detail-other-paths">
              {detail.otherPaths.map((p) => (
                <div key={p}>
                  <code className="break">{p}</code>
                </div>
              ))}
            </dd>
          </>
        )}
        <dt>Hash</dt>
        <dd>
          <code className="break">{detail.fileHash ?? '—'}</code>
        </dd>
        <dt>Attempts</dt>
        <dd data-testid="detail-attempts">{detail.attempts}</dd>
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
            <dd data-testid="detail-run">{detail.runId}</dd>
          </>
        )}
      </dl>
      <h3 className="subhead">History</h3>
      {detail.events.length === 0 ? (
        <p className="muted">No earlier attempts recorded.</p>
      ) : (
        <ol className="history" aria-label="History">
          {detail.events.map((ev) => (
            <li key={ev.id} className={`history-${ev.kind}`}>
              <div className="history-head">
                <span className={`badge badge-${ev.kind === 'success' ? 'ok' : ev.kind === 'reset' ? 'neutral' : 'danger'}`}>{ev.kind === 'failure' ? 'Failed' : ev.kind === 'reset' ? 'Reset' : 'Ingested'}</span>
                <TimeFull ts={ev.at} />
                {ev.runId !== null && <span className="muted">run {ev.runId}</span>}
              </div>
              {ev.kind === 'failure' && (
                <div className="muted">
                  {stageLabel(ev.stage)} · {codeLabel(ev.errorCode)}
                </div>
              )}
              {ev.message && <div className="history-msg">{sentenceCase(ev.message)}</div>}
            </li>
          ))}
        </ol>
      )}
      <details className="technical">
        <summary>Technical details</summary>
        <h3 className="subhead">Settings it failed under</h3>
        <dl className="detail-fields fingerprint">
          {fingerprint.map(([k, v]) => (
            <div key={k} className="contents">
              <dt>{k}</dt>
              <dd>
                <code>{Array.isArray(v) ? v.join(', ') : String(v)}</code>
              </dd>
            </div>
          ))}
        </dl>
        {/* A content failure is about the file, not the code: its stack would only distract. */}
        {detail.stack && detail.failureClass !== 'content' && (
          <>
            <h3 className="subhead">Stack trace</h3>
            <pre className="code-block">{detail.stack}</pre>
          </>
        )}
      </details>
    </>
  );
}

/** What "eligible for retry" means, where it appears. */
export function EligibleExplanation({ reason }: { reason: string }) {
  return (
    <p className="notice notice-info small" data-testid="eligible-explanation">
      <strong>Eligible for retry:</strong> a setting it depends on changed since it failed ({reason}), so trying again may work. A plain run still skips
      it until it is reset — use Reset &amp; reprocess here, or Retry on the Ingest screen.
    </p>
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
  try {
    await navigator.clipboard.writeText(errorReport(d, (ts) => toDate(ts).toISOString()));
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
