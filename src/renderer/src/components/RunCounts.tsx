import type { ReactNode } from 'react';
import { count } from '../format';

interface Props {
  ingested: number;
  skippedExisting: number;
  skippedFailed: number;
  failed: number;
  /** The summary's Unsupported entry (a count that opens the list); the live card has none. */
  unsupported?: ReactNode;
  label?: string;
}

/** A run's counts, one list for the live card and the finished run's summary. */
export function RunCounts({ ingested, skippedExisting, skippedFailed, failed, unsupported, label }: Props) {
  return (
    <dl className="counts" aria-label={label}>
      <div>
        <dt>Ingested</dt>
        <dd>{count(ingested)}</dd>
      </div>
      <div>
        <dt>Skipped existing</dt>
        <dd>{count(skippedExisting)}</dd>
      </div>
      <div>
        <dt>Skipped (failed)</dt>
        <dd>{count(skippedFailed)}</dd>
      </div>
      {unsupported !== undefined && (
        <div>
          <dt>Unsupported</dt>
          <dd>{unsupported}</dd>
        </div>
      )}
      <div>
        <dt>Failed</dt>
        <dd className={failed > 0 ? 'text-danger' : undefined}>{count(failed)}</dd>
      </div>
    </dl>
  );
}
