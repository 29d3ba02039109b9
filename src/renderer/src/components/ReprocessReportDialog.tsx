import type { ErrorCode, ReprocessReport } from '../../../shared/domain';
import { failureHelp, sentenceCase } from '../../../shared/failure-help';
import { basename, codeLabel, count, stageLabel } from '../format';
import { Dialog } from './Dialog';

const OUTCOME_LABEL = { succeeded: 'Ingested ✓', failed_same: 'Failed the same way', failed_different: 'Failed differently', skipped: 'Skipped' } as const;

function outcomeHelp(errorCode: ErrorCode): string {
  const h = failureHelp({ errorCode, fingerprint: {} });
  return `${h.cause} ${h.next}`;
}

/** What a reprocess did: succeeded / failed the same way / failed differently, file by file. */
export function ReprocessReportDialog({ report, onClose }: { report: ReprocessReport; onClose(): void }) {
  return (
    <Dialog
      title="Reprocess report"
      onClose={onClose}
      wide
      actions={
        <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus>
          Close
        </button>
      }
    >
      <dl className="counts" aria-label="Reprocess outcome">
        <div>
          <dt>Succeeded</dt>
          <dd className="text-ok">{count(report.succeeded)}</dd>
        </div>
        <div>
          <dt>Failed the same way</dt>
          <dd>{count(report.failedSame)}</dd>
        </div>
        <div>
          <dt>Failed differently</dt>
          <dd>{count(report.failedDifferent)}</dd>
        </div>
        {report.skipped > 0 && (
          <div>
            <dt>Skipped</dt>
            <dd>{count(report.skipped)}</dd>
          </div>
        )}
      </dl>
      {report.outcomes.length > 0 && (
        <div className="report-list">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Outcome</th>
                <th scope="col">Now</th>
              </tr>
            </thead>
            <tbody>
              {report.outcomes.slice(0, 500).map((o) => (
                <tr key={o.id}>
                  <td className="ellipsis" title={o.filePath}>
                    {basename(o.filePath)}
                  </td>
                  <td>
                    <span className={`badge badge-${o.outcome === 'succeeded' ? 'ok' : o.outcome === 'failed_same' ? 'danger' : o.outcome === 'skipped' ? 'neutral' : 'warn'}`}>{OUTCOME_LABEL[o.outcome]}</span>
                  </td>
                  {/* The code's label once (the stored reason mostly repeats it); its cause and next step on hover. */}
                  <td title={o.errorCode ? outcomeHelp(o.errorCode) : undefined}>
                    {o.outcome === 'succeeded' ? 'In the library' : o.errorCode ? `${stageLabel(o.stage)} · ${codeLabel(o.errorCode)}` : o.reason ? sentenceCase(o.reason) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.outcomes.length > 500 && <p className="muted">…and {count(report.outcomes.length - 500)} more.</p>}
        </div>
      )}
    </Dialog>
  );
}
