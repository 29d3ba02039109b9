import type { RunSummary, Stage, UnsupportedFile } from '../../../shared/domain';
import { UnsupportedCount } from './UnsupportedFiles';
import { count, duration, plural, stageLabel, statusLabel } from '../format';
import { Card } from './common';
import { RunCounts } from './RunCounts';

interface Props {
  summary: RunSummary;
  onShowFailed(): void;
  onShowUnsupported(list: { files: UnsupportedFile[]; total: number }): void;
}

export function RunSummaryCard({ summary: s, onShowFailed, onShowUnsupported }: Props) {
  const byStage = Object.entries(s.failedByStage).filter(([, n]) => (n ?? 0) > 0) as [Stage, number][];
  // A run stopped early (cancelled, paused by a dead AI server, interrupted) leaves files it never reached.
  const untouched = Math.max(0, s.scanned - s.ingested - s.skippedExisting - s.skippedFailed - s.unsupported - s.failed);
  return (
    <Card title="Summary" className="summary-card">
      <p className="summary-line">
        {statusLabel(s.status)} in {duration(s.durationMs)} — {count(s.scanned)} files scanned.
        {untouched > 0 && ` ${plural(untouched, 'file was', 'files were')} not tried: the next run over this folder takes ${untouched === 1 ? 'it' : 'them'}.`}
      </p>
      {s.message && (
        <p className="notice notice-warn" role="status">
          {s.message}
        </p>
      )}
      <RunCounts
        label="Run summary"
        ingested={s.ingested}
        skippedExisting={s.skippedExisting}
        skippedFailed={s.skippedFailed}
        failed={s.failed}
        unsupported={<UnsupportedCount n={s.unsupported} files={s.unsupportedFiles ?? []} onOpen={onShowUnsupported} />}
      />
      {byStage.length > 0 && (
        <div className="failed-by-stage">
          <h3 className="subhead">Failed by stage</h3>
          <ul>
            {byStage.map(([stage, n]) => (
              <li key={stage}>
                {stageLabel(stage)}: <strong>{count(n)}</strong>
              </li>
            ))}
          </ul>
        </div>
      )}
      {s.failed > 0 && (
        <button type="button" className="btn" onClick={onShowFailed}>
          Review failed files
        </button>
      )}
    </Card>
  );
}
