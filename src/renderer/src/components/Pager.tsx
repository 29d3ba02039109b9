import { count } from '../format';

/** Where this page sits in the whole list, with First/Last so the end of 100 000 rows is one click away. */
export function Pager({ offset, total, pageSize, onPage, label, top }: { offset: number; total: number; pageSize: number; onPage(offset: number): void; label?: string; top?: boolean }) {
  const cls = `pager${top ? ' pager-top' : ''}`;
  if (total <= pageSize)
    return (
      <div className={`${cls} muted`} aria-label={label}>
        {count(total)} rows
      </div>
    );
  const last = Math.floor((total - 1) / pageSize) * pageSize;
  return (
    <nav className={cls} aria-label={label}>
      <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => onPage(0)}>
        First
      </button>
      <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - pageSize))}>
        Previous
      </button>
      <span className="muted">
        {count(offset + 1)}–{count(Math.min(total, offset + pageSize))} of {count(total)}
      </span>
      <button type="button" className="btn btn-small" disabled={offset + pageSize >= total} onClick={() => onPage(offset + pageSize)}>
        Next
      </button>
      <button type="button" className="btn btn-small" disabled={offset >= last} onClick={() => onPage(last)}>
        Last
      </button>
    </nav>
  );
}
