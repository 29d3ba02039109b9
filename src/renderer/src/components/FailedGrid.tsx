/**
 * The failed files as an ARIA grid, virtualized: only the rows on screen exist in
 * the DOM, and pages of 200 are fetched as they scroll into view.
 */
import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { FailedFile, FailedSortColumn } from '../../../shared/domain';
import { useFailed, type RowOutcome } from '../stores/failed';
import { failureHelp, reasonText } from '../../../shared/failure-help';
import { codeLabel, count, stageLabel } from '../format';
import { ClassBadge, EligibleBadge, MiddleEllipsis, Spinner, Time } from './common';

const ROW_HEIGHT = 40;

interface Column {
  /** Null: not sortable. */
  key: FailedSortColumn | null;
  label: string;
  className: string;
}
const COLUMNS: Column[] = [
  { key: 'filename', label: 'File', className: 'col-file' },
  { key: 'stage', label: 'Stage', className: 'col-stage' },
  { key: 'reason', label: 'Reason', className: 'col-reason' },
  { key: null, label: 'Class', className: 'col-class' },
  { key: 'error_code', label: 'Error', className: 'col-code' },
  { key: 'failed_at', label: 'Failed', className: 'col-time' },
  { key: 'attempts', label: 'Attempts', className: 'col-num' },
];

export function FailedGrid() {
  const total = useFailed((s) => s.total) ?? 0;
  const pages = useFailed((s) => s.pages);
  const sort = useFailed((s) => s.sort);
  const dir = useFailed((s) => s.dir);
  const selected = useFailed((s) => s.selected);
  const outcomes = useFailed((s) => s.outcomes);
  const detailId = useFailed((s) => s.detailId);
  const { rowAt, ensureRange, setSort, toggleSelected, setSelected, openDetail } = useFailed.getState();

  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  // The header row sits outside the scrolling body: it gets the body's scrollbar width as
  // padding, so header and body cells line up to the pixel whatever the scrollbar's size.
  const [scrollbar, setScrollbar] = useState(0);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setScrollbar(el.offsetWidth - el.clientWidth);
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  // Load the pages under the viewport whenever it moves or the cache was refreshed.
  useEffect(() => {
    if (last >= 0) ensureRange(first, last);
  }, [first, last, pages, ensureRange]);

  useEffect(() => {
    if (active >= total && total > 0) setActive(total - 1);
  }, [active, total]);

  const visibleIds = items.map((v) => rowAt(v.index)?.id).filter((id): id is number => id !== undefined);
  const allVisibleSelected = visibleIds.length > 0 && visibleIds.every((id) => selected.has(id));
  const someVisibleSelected = visibleIds.some((id) => selected.has(id));

  const focusRow = (index: number) => {
    const clamped = Math.max(0, Math.min(total - 1, index));
    setActive(clamped);
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
    // The row may only exist after the virtualizer re-renders.
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${clamped}"]`)?.focus());
  };

  const onRowKeyDown = (e: React.KeyboardEvent, index: number, row: FailedFile | undefined) => {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        focusRow(index + 1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        focusRow(index - 1);
        break;
      case 'PageDown':
        e.preventDefault();
        focusRow(index + pageRows);
        break;
      case 'PageUp':
        e.preventDefault();
        focusRow(index - pageRows);
        break;
      case 'Home':
        e.preventDefault();
        focusRow(0);
        break;
      case 'End':
        e.preventDefault();
        focusRow(total - 1);
        break;
      case 'Enter':
        e.preventDefault();
        if (row) void openDetail(row.id);
        break;
      case ' ':
        e.preventDefault();
        if (row) toggleSelected(row.id);
        break;
    }
  };

  return (
    <div
      className="grid"
      role="grid"
      aria-label="Failed files"
      aria-rowcount={total + 1}
      aria-colcount={COLUMNS.length + 1}
      aria-multiselectable="true"
    >
      <div role="rowgroup" className="grid-head">
        <div role="row" aria-rowindex={1} className="grid-row grid-header-row" style={{ paddingRight: scrollbar }}>
          <div role="columnheader" className="col-check" aria-colindex={1}>
            <input
              type="checkbox"
              aria-label="Select all visible"
              checked={allVisibleSelected}
              ref={(el) => {
                if (el) el.indeterminate = someVisibleSelected && !allVisibleSelected;
              }}
              onChange={(e) => setSelected(visibleIds, e.target.checked)}
            />
          </div>
          {COLUMNS.map((c, i) => {
            const sorted = c.key !== null && sort === c.key;
            return (
              <div key={c.label} role="columnheader" aria-colindex={i + 2} aria-sort={c.key === null ? undefined : sorted ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={c.className}>
                {c.key === null ? (
                  <span className="header-label">{c.label}</span>
                ) : (
                  <button type="button" className="sort-button" onClick={() => setSort(c.key!)}>
                    {c.label}
                    <span className="sort-arrow" aria-hidden="true">
                      {sorted ? (dir === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div role="rowgroup" className="grid-body" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((v) => {
            const row = rowAt(v.index);
            const isSelected = row ? selected.has(row.id) : false;
            return (
              <div
                key={row ? `r${row.id}` : `p${v.index}`}
                role="row"
                data-index={v.index}
                data-row-id={row?.id}
                aria-rowindex={v.index + 2}
                aria-selected={isSelected}
                aria-busy={row ? undefined : true}
                tabIndex={v.index === active ? 0 : -1}
                className={`grid-row${isSelected ? ' selected' : ''}${row && row.id === detailId ? ' open' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
                onFocus={() => setActive(v.index)}
                onKeyDown={(e) => onRowKeyDown(e, v.index, row)}
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest('input,button')) return;
                  setActive(v.index);
                  if (row) void openDetail(row.id);
                }}
              >
                {row ? <RowCells row={row} selected={isSelected} outcome={outcomes[row.id]} onToggle={() => toggleSelected(row.id)} /> : <PlaceholderCells />}
              </div>
            );
          })}
        </div>
      </div>
      <div className="grid-foot muted" aria-live="polite">
        {count(total)} failed file{total === 1 ? '' : 's'}
        {selected.size > 0 && ` · ${count(selected.size)} selected`}
      </div>
    </div>
  );
}

function RowCells({ row, selected, outcome, onToggle }: { row: FailedFile; selected: boolean; outcome: RowOutcome | undefined; onToggle(): void }) {
  const help = failureHelp(row);
  const tip = `${help.cause}\nNext step: ${help.next}`;
  return (
    <>
      <div role="gridcell" className="col-check" aria-colindex={1}>
        <input type="checkbox" aria-label={`Select ${row.filename}`} checked={selected} onChange={onToggle} tabIndex={-1} />
      </div>
      <div role="gridcell" className="col-file" aria-colindex={2}>
        <MiddleEllipsis className="filename" text={row.filename} />
        <RowOutcomeBadge outcome={outcome} />
      </div>
      <div role="gridcell" className="col-stage" aria-colindex={3}>
        {stageLabel(row.stage)}
      </div>
      <div role="gridcell" className="col-reason" aria-colindex={4} title={tip}>
        <span className="reason">{reasonText(row)}</span>
        <EligibleBadge reason={row.eligibleForRetry} />
      </div>
      <div role="gridcell" className="col-class" aria-colindex={5}>
        <ClassBadge failureClass={row.failureClass} />
      </div>
      <div role="gridcell" className="col-code" aria-colindex={6} title={`${row.errorCode}: ${tip}`}>
        <span className="ellipsis">{codeLabel(row.errorCode)}</span>
      </div>
      <div role="gridcell" className="col-time" aria-colindex={7}>
        <Time ts={row.failedAt} />
      </div>
      <div role="gridcell" className="col-num" aria-colindex={8}>
        {row.attempts}
      </div>
    </>
  );
}

function RowOutcomeBadge({ outcome }: { outcome: RowOutcome | undefined }) {
  if (!outcome) return null;
  if (outcome.state === 'running') return <Spinner label="Reprocessing" />;
  if (outcome.state === 'error') return <span className="badge badge-danger">{outcome.message}</span>;
  if (outcome.outcome?.outcome === 'succeeded') return <span className="badge badge-ok">Ingested ✓</span>;
  return null;
}

function PlaceholderCells() {
  return (
    <>
      <div role="gridcell" className="col-check" aria-colindex={1} />
      <div role="gridcell" className="col-file placeholder" aria-colindex={2}>
        <span className="skeleton" />
      </div>
      {COLUMNS.slice(1).map((c, i) => (
        <div key={c.label} role="gridcell" className={c.className} aria-colindex={i + 3} />
      ))}
    </>
  );
}
