import { count } from '../format';

export function Pager({ offset, total, pageSize, onPage }: { offset: number; total: number; pageSize: number; onPage(offset: number): void }) {
  if (total <= pageSize) return <div className="pager muted">{count(total)} rows</div>;
  return (
    <div className="pager">
      <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - pageSize))}>
        Previous
      </button>
      <span className="muted">
        {count(offset + 1)}–{count(Math.min(total, offset + pageSize))} of {count(total)}
      </span>
      <button type="button" className="btn btn-small" disabled={offset + pageSize >= total} onClick={() => onPage(offset + pageSize)}>
        Next
      </button>
    </div>
  );
}
