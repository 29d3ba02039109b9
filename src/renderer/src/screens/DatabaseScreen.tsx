import { useEffect, useId, useState } from 'react';
import type { TableColumn, TableInfo } from '../../../shared/domain';
import { DB_PAGE_SIZE, useDatabase, type CellValue, type Row } from '../stores/database';
import { ConfirmDialog, Dialog } from '../components/Dialog';
import { Pager } from '../components/Pager';
import { Card, EmptyState, Spinner } from '../components/common';
import { dateTime, isTimestampColumn } from '../format';
import { checkValue } from '../../../shared/table-rules';

type Editing = { mode: 'edit'; row: Row } | { mode: 'add' };

export function DatabaseScreen() {
  const db = useDatabase();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<number | null>(null);
  const tableId = useId();

  useEffect(() => {
    void useDatabase.getState().loadTables();
  }, []);

  const info = db.tables.find((t) => t.name === db.table);
  const pk = info?.columns.find((c) => c.primaryKey)?.name ?? 'id';
  const canEdit = !info?.readOnly && !!info?.columns.some((c) => c.editable);

  return (
    <div className="screen">
      <header className="screen-header">
        <h1>Database</h1>
        <p className="muted">Browse and edit the library’s tables directly. Changes are checked against each table’s editable columns.</p>
      </header>
      <div className="toolbar">
        <span className="field-inline">
          <label htmlFor={tableId}>Table</label>
          <select id={tableId} className="input" value={db.table ?? ''} onChange={(e) => db.selectTable(e.target.value)}>
            {db.tables.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </span>
        <button type="button" className="btn" disabled={!canEdit} onClick={() => setEditing({ mode: 'add' })}>
          Add row
        </button>
        <button type="button" className="btn" onClick={() => void db.load(db.offset)}>
          Refresh
        </button>
        {db.loading && <Spinner label="Loading rows" />}
      </div>

      {info?.readOnly && (
        <p className="notice notice-info" role="status">
          {info.readOnly}
        </p>
      )}
      {info && (
        <Card>
          {db.rows.length === 0 && !db.loading ? (
            <EmptyState title={`${info.name} is empty.`}>{canEdit ? 'Use “Add row” to create one.' : null}</EmptyState>
          ) : (
            <div className="table-scroll">
              <table className="table table-db" aria-label={`Rows of ${info.name}`}>
                <thead>
                  <tr>
                    {info.columns.map((c) => {
                      const sorted = db.sort === c.name;
                      return (
                        <th key={c.name} scope="col" className={cellClass(c)} aria-sort={sorted ? (db.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                          <button type="button" className="sort-button" onClick={() => db.setSort(c.name)}>
                            {c.name}
                            <span className="sort-arrow" aria-hidden="true">
                              {sorted ? (db.dir === 'asc' ? '▲' : '▼') : ''}
                            </span>
                          </button>
                        </th>
                      );
                    })}
                    <th scope="col" className="col-actions">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {db.rows.map((row, i) => {
                    const id = Number(row[pk]);
                    return (
                      <tr key={Number.isFinite(id) ? id : i}>
                        {info.columns.map((c) => (
                          <td key={c.name} className={cellClass(c)}>
                            <Cell column={c} value={row[c.name]} />
                          </td>
                        ))}
                        <td className="col-actions">
                          <div className="row-actions">
                            {canEdit && (
                              <button type="button" className="btn btn-small" aria-label={`Edit row ${id}`} onClick={() => setEditing({ mode: 'edit', row })}>
                                Edit
                              </button>
                            )}
                            {!info.readOnly && (
                              <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Delete row ${id}`} onClick={() => setDeleting(id)}>
                                Delete
                              </button>
                            )}
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <Pager offset={db.offset} total={db.total} pageSize={DB_PAGE_SIZE} onPage={(o) => void db.load(o)} />
        </Card>
      )}

      {editing && info && (
        <RowForm
          table={info}
          row={editing.mode === 'edit' ? editing.row : null}
          onCancel={() => setEditing(null)}
          onSubmit={async (values) => {
            const ok = editing.mode === 'edit' ? await db.update(Number(editing.row[pk]), values) : await db.insert(values);
            if (ok) setEditing(null);
          }}
        />
      )}
      {deleting !== null && info && (
        <ConfirmDialog
          title={`Delete row ${deleting}?`}
          confirmLabel="Delete"
          danger
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const id = deleting;
            setDeleting(null);
            void db.remove(id);
          }}
        >
          <p>
            Row {deleting} will be deleted from <code>{info.name}</code>. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** Column widths by what a column holds: hashes narrow (full on hover), names and messages roomy, numbers right. */
function cellClass(c: TableColumn): string {
  if (c.type === 'integer' || c.type === 'real') return isTimestampColumn(c.name) ? 'cell-date' : 'num';
  if (/hash$/.test(c.name)) return 'cell-hash';
  if (/^(filename|title|file_path|path|reason|message|summary|correspondent)$/.test(c.name)) return 'cell-wide';
  return 'cell-text-col';
}

function Cell({ column, value }: { column: TableColumn; value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">NULL</span>;
  if (isTimestampColumn(column.name) && typeof value === 'number') return <span title={String(value)}>{dateTime(value)}</span>;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return (
    <span className="cell-text" title={text.length > 12 ? text.slice(0, 2000) : undefined}>
      {text.length > 300 ? `${text.slice(0, 300)}…` : text}
    </span>
  );
}

/** JSON is edited pretty-printed and sent compact, as stored. */
function editText(c: TableColumn, value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (!c.kind.startsWith('json')) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function compactJson(c: TableColumn, raw: string): string {
  if (!c.kind.startsWith('json')) return raw;
  try {
    return JSON.stringify(JSON.parse(raw));
  } catch {
    return raw;
  }
}

function RowForm({ table, row, onCancel, onSubmit }: { table: TableInfo; row: Row | null; onCancel(): void; onSubmit(values: Record<string, CellValue>): Promise<void> }) {
  const columns = table.columns.filter((c) => c.editable);
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(columns.map((c) => [c.name, editText(c, row?.[c.name])])));
  const [nulls, setNulls] = useState<Record<string, boolean>>(() => Object.fromEntries(columns.map((c) => [c.name, row ? row[c.name] === null : false])));
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const formId = useId();

  const submit = async () => {
    const values: Record<string, CellValue> = {};
    const problems: Record<string, string> = {};
    for (const c of columns) {
      if (nulls[c.name] && !c.nullable) problems[c.name] = 'Needs a value (it cannot be NULL).';
      const p = nulls[c.name] ? null : checkValue({ kind: c.kind, options: c.options }, draft[c.name]);
      if (p) problems[c.name] = p;
    }
    setFieldErrors(problems);
    if (Object.keys(problems).length) {
      setError('Fix the fields marked below.');
      return;
    }
    for (const c of columns) {
      const raw = compactJson(c, draft[c.name]);
      if (row && !nulls[c.name] && raw === compactJson(c, editText(c, row[c.name]))) continue;
      if (nulls[c.name] || (raw === '' && c.nullable && c.type !== 'text')) {
        values[c.name] = null;
        continue;
      }
      if (c.type === 'integer' || c.type === 'real') {
        const n = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(n) || (c.type === 'integer' && !Number.isInteger(n))) {
          setError(`${c.name} must be ${c.type === 'integer' ? 'a whole number' : 'a number'}.`);
          return;
        }
        values[c.name] = n;
      } else {
        values[c.name] = raw;
      }
    }
    if (row && Object.keys(values).length === 0) {
      onCancel();
      return;
    }
    setError(null);
    await onSubmit(values);
  };

  return (
    <Dialog
      title={row ? `Edit ${table.name} row ${String(row[table.columns.find((c) => c.primaryKey)?.name ?? 'id'])}` : `Add a row to ${table.name}`}
      onClose={onCancel}
      wide
      actions={
        <>
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" form={formId} className="btn btn-primary">
            {row ? 'Save' : 'Add'}
          </button>
        </>
      }
    >
      <form
        id={formId}
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {columns.map((c) => {
          const inputId = `${formId}-${c.name}`;
          const isNum = c.type === 'integer' || c.type === 'real';
          const long = !isNum && (draft[c.name]?.length ?? 0) > 80;
          return (
            <div key={c.name} className="form-row">
              <label htmlFor={inputId}>
                {c.name} <span className="muted small">{c.type}</span>
              </label>
              <div>
                {c.kind === 'enum' && c.options ? (
                  <select id={inputId} className="input" value={draft[c.name]} disabled={nulls[c.name]} onChange={(e) => setDraft({ ...draft, [c.name]: e.target.value })} aria-invalid={!!fieldErrors[c.name]}>
                    {!c.options.includes(draft[c.name]) && <option value={draft[c.name]}>{draft[c.name] || '—'}</option>}
                    {c.options.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                ) : c.kind === 'date' ? (
                  <input id={inputId} className="input" type="date" value={draft[c.name]} disabled={nulls[c.name]} onChange={(e) => setDraft({ ...draft, [c.name]: e.target.value })} aria-invalid={!!fieldErrors[c.name]} />
                ) : long || c.kind.startsWith('json') ? (
                  <textarea id={inputId} className="input" rows={c.kind.startsWith('json') ? Math.min(10, Math.max(3, draft[c.name].split('\n').length)) : 4} value={draft[c.name]} disabled={nulls[c.name]} onChange={(e) => setDraft({ ...draft, [c.name]: e.target.value })} />
                ) : (
                  <input id={inputId} className="input" type={isNum ? 'number' : 'text'} step={c.type === 'real' ? 'any' : undefined} value={draft[c.name]} disabled={nulls[c.name]} onChange={(e) => setDraft({ ...draft, [c.name]: e.target.value })} />
                )}
                {isTimestampColumn(c.name) && isNum && draft[c.name] !== '' && <div className="muted small">{dateTime(Number(draft[c.name]))}</div>}
                {fieldErrors[c.name] && (
                  <div className="field-error small" role="alert">
                    {fieldErrors[c.name]}
                  </div>
                )}
                {c.nullable && (
                  <label className="check small">
                    <input type="checkbox" checked={!!nulls[c.name]} onChange={(e) => setNulls({ ...nulls, [c.name]: e.target.checked })} />
                    NULL
                  </label>
                )}
              </div>
            </div>
          );
        })}
        {error && (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
