import type { RunProgress, Stage } from '../../../shared/domain';
import { STAGES } from '../../../shared/domain';
import { basename, count, duration, rate, stageLabel, statusLabel } from '../format';
import { Badge, Card } from './common';

interface Props {
  progress: RunProgress;
  onPause(): void;
  onResume(): void;
  onCancel(): void;
}

const STATUS_TONE = { running: 'info', completed: 'ok', paused: 'warn', cancelled: 'neutral', interrupted: 'danger' } as const;

export function RunProgressCard({ progress: p, onPause, onResume, onCancel }: Props) {
  const active = p.status === 'running' || p.status === 'paused';
  const max = Math.max(p.total, p.done, 1);
  const pct = Math.round((p.done / max) * 100);
  const stagesNow = STAGES.filter((s) => (p.inStage[s] ?? 0) > 0);
  return (
    <Card
      title={`Run ${p.runId}`}
      className="progress-card"
      actions={
        <>
          <Badge tone={STATUS_TONE[p.status]}>{statusLabel(p.status)}</Badge>
          {p.status === 'running' && (
            <button type="button" className="btn" onClick={onPause}>
              Pause
            </button>
          )}
          {p.status === 'paused' && (
            <button type="button" className="btn btn-primary" onClick={onResume}>
              Resume
            </button>
          )}
          {active && (
            <button type="button" className="btn btn-danger-outline" onClick={onCancel}>
              Cancel
            </button>
          )}
        </>
      }
    >
      <div
        className="progressbar"
        role="progressbar"
        aria-label="Ingest progress"
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={p.done}
        aria-valuetext={`${count(p.done)} of ${count(p.total)} files${p.scanning ? ' (still scanning)' : ''}`}
      >
        <div className="progressbar-fill" style={{ width: `${pct}%` }} />
      </div>
      <div className="progress-stats">
        <span>
          <strong>{count(p.done)}</strong> / {count(p.total)} files{p.scanning ? ' (scanning…)' : ''}
        </span>
        {active ? (
          <>
            <span>Rate: {p.status === 'paused' ? 'paused' : rate(p.ratePerSec)}</span>
            <span data-testid="eta">ETA: {etaText(p)}</span>
            <span>Elapsed: {duration(p.elapsedMs)}</span>
          </>
        ) : (
          <span>Took: {duration(p.elapsedMs)}</span>
        )}
      </div>
      {p.message && (
        <p className="notice notice-warn" role="status">
          {p.message}
        </p>
      )}
      <dl className="counts">
        <div>
          <dt>Ingested</dt>
          <dd>{count(p.ingested)}</dd>
        </div>
        <div>
          <dt>Skipped existing</dt>
          <dd>{count(p.skippedExisting)}</dd>
        </div>
        <div>
          <dt>Skipped (failed)</dt>
          <dd>{count(p.skippedFailed)}</dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd className={p.failed > 0 ? 'text-danger' : undefined}>{count(p.failed)}</dd>
        </div>
      </dl>
      {active && stagesNow.length > 0 && (
        <div className="stage-now" aria-label="Files in each stage">
          {stagesNow.map((s) => (
            <Badge key={s} tone="info">
              {stageLabel(s)}: {count(p.inStage[s as Stage])}
            </Badge>
          ))}
        </div>
      )}
      {active && p.current.length > 0 && (
        <ul className="current-files" aria-label="Current files">
          {p.current.slice(0, 8).map((c, i) => (
            <li key={`${c.path}-${i}`} title={c.path}>
              <span className="current-stage">{stageLabel(c.stage)}</span>
              <span className="current-name">{basename(c.path)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** An ETA only when the engine can say what is left; otherwise why not. */
function etaText(p: RunProgress): string {
  if (p.status === 'paused') return 'paused';
  if (p.scanning) return 'after the scan';
  if (p.etaSec === null) return 'estimating…';
  return p.etaSec < 1 ? 'under a second' : `about ${duration(p.etaSec * 1000)}`;
}
