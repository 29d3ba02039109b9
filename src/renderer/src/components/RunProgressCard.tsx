import type { RunProgress, Stage } from '../../../shared/domain';
import { STAGES } from '../../../shared/domain';
import { STATUS_TONE, basename, count, duration, plural, rate, stageLabel, statusLabel } from '../format';
import { Badge, Card } from './common';
import { RunCounts } from './RunCounts';

interface Props {
  progress: RunProgress;
  /** Still going (see isLive): Pause/Resume/Cancel, rate and ETA only then. */
  live: boolean;
  onPause(): void;
  onResume(): void;
  onCancel(): void;
}

export function RunProgressCard({ progress: p, live: active, onPause, onResume, onCancel }: Props) {
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
          {active && p.status === 'running' && (
            <button type="button" className="btn" onClick={onPause}>
              Pause
            </button>
          )}
          {active && p.status === 'paused' && (
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
      {active && p.status === 'paused' && p.current.length > 0 && (
        <p className="muted small">
          No new file starts while paused; the {plural(p.current.length, 'file')} in hand {p.current.length === 1 ? 'finishes' : 'finish'} first.
        </p>
      )}
      {/* Once the run is over the Summary below holds these counts: not shown twice. */}
      {active && (
        <RunCounts ingested={p.ingested} skippedExisting={p.skippedExisting} skippedFailed={p.skippedFailed} failed={p.failed} />
      )}
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
  // No measurement yet for a kind still to do, or a file far past its time (a stalled AI answer).
  if (p.etaSec === null) return 'not known yet';
  return p.etaSec < 1 ? 'under a second' : `about ${duration(p.etaSec * 1000)}`;
}
