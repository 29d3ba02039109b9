import type { Db } from './connection';
import type { TableColumn, TableInfo } from '../../shared/domain';
import { ApiError, IntakeError } from '../../shared/errors';

/** The user tables the Database screen may browse and edit, with their default sort. */
const BROWSABLE: Record<string, string> = {
  documents: 'created_at',
  failed_files: 'failed_at',
  failure_events: 'at',
  runs: 'started_at',
  chunks: 'id',
  document_paths: 'seen_at',
  file_index: 'indexed_at',
  settings: 'key',
};

/** Columns nobody edits by hand: keys, vectors. */
const READ_ONLY = new Set(['id', 'embedding']);


/**
 * Generic row access for the Database screen. Table and column names are
 * checked against a whitelist read from the schema; values are always bound
 * parameters, so SQL text in a value is stored as plain data.
 */
export class TableBrowser {
  private readonly tables: Map<string, TableInfo>;

  constructor(private readonly db: Db) {
    this.tables = new Map();
    for (const [name, defaultSort] of Object.entries(BROWSABLE)) {
      const cols = db.prepare(`PRAGMA table_info(${name})`).all() as { name: string; type: string; notnull: number; pk: number; dflt_value: unknown }[];
      const columns: TableColumn[] = cols.map((c) => ({
        name: c.name,
        type: affinity(c.type),
        primaryKey: c.pk > 0,
        editable: !READ_ONLY.has(c.name) && affinity(c.type) !== 'blob' && !(c.pk > 0 && affinity(c.type) === 'integer'),
        nullable: c.notnull === 0 || c.dflt_value !== null,
      }));
      this.tables.set(name, { name, columns, defaultSort });
    }
  }

  list(): TableInfo[] {
    return [...this.tables.values()];
  }

  rows(table: string, opts: { offset: number; limit: number; sort?: string; dir: 'asc' | 'desc' }): { rows: Record<string, unknown>[]; total: number } {
    const info = this.table(table);
    const sort = opts.sort ?? info.defaultSort;
    this.column(info, sort);
    const dir = opts.dir === 'asc' ? 'ASC' : 'DESC';
    const selectCols = info.columns.map((c) => (c.type === 'blob' ? `length(${c.name}) AS ${c.name}` : c.name)).join(', ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM ${info.name}`).get() as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT rowid AS __rowid, ${selectCols} FROM ${info.name} ORDER BY ${sort} ${dir}, rowid ${dir} LIMIT ? OFFSET ?`)
      .all(opts.limit, opts.offset) as Record<string, unknown>[];
    return { rows, total };
  }

  insert(table: string, values: Record<string, string | number | null>): number {
    const info = this.table(table);
    const entries = this.checkedValues(info, values);
    if (!entries.length) throw new ApiError('invalid_value', 'Give at least one column value.');
    const sql = `INSERT INTO ${info.name} (${entries.map(([c]) => c).join(', ')}) VALUES (${entries.map(() => '?').join(', ')})`;
    return Number(this.run(() => this.db.prepare(sql).run(...entries.map(([, v]) => v))).lastInsertRowid);
  }

  update(table: string, rowid: number, values: Record<string, string | number | null>): number {
    const info = this.table(table);
    const entries = this.checkedValues(info, values);
    if (!entries.length) return 0;
    const sql = `UPDATE ${info.name} SET ${entries.map(([c]) => `${c} = ?`).join(', ')} WHERE rowid = ?`;
    const changes = this.run(() => this.db.prepare(sql).run(...entries.map(([, v]) => v), rowid)).changes;
    if (!changes) throw new ApiError('not_found', `No row ${rowid} in ${info.name}.`);
    return changes;
  }

  delete(table: string, rowid: number): number {
    const info = this.table(table);
    const changes = this.run(() => this.db.prepare(`DELETE FROM ${info.name} WHERE rowid = ?`).run(rowid)).changes;
    if (!changes) throw new ApiError('not_found', `No row ${rowid} in ${info.name}.`);
    return changes;
  }

  private run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      const err = e as { code?: string; message: string };
      if (err.code?.startsWith('SQLITE_CONSTRAINT')) throw new ApiError('constraint', `Not saved: ${err.message}`);
      if (err instanceof ApiError) throw err;
      throw new IntakeError('db_error', 'Database error', { message: err.message });
    }
  }

  private table(name: string): TableInfo {
    const info = this.tables.get(name);
    if (!info) throw new ApiError('unknown_table', `Unknown table "${name}".`);
    return info;
  }

  private column(info: TableInfo, name: string): TableColumn {
    const col = info.columns.find((c) => c.name === name);
    if (!col) throw new ApiError('unknown_column', `Unknown column "${name}" in ${info.name}.`);
    return col;
  }

  private checkedValues(info: TableInfo, values: Record<string, string | number | null>): [string, string | number | null][] {
    return Object.entries(values).map(([name, value]) => {
      const col = this.column(info, name);
      if (!col.editable) throw new ApiError('read_only_column', `Column "${name}" of ${info.name} cannot be edited.`);
      if (value === null || value === '') {
        if (!col.nullable && value === null) throw new ApiError('invalid_value', `Column "${name}" needs a value.`);
        return [name, value];
      }
      if (col.type === 'integer' || col.type === 'real') {
        const n = typeof value === 'number' ? value : Number(value);
        if (!Number.isFinite(n) || (col.type === 'integer' && !Number.isInteger(n))) {
          throw new ApiError('invalid_value', `Column "${name}" needs ${col.type === 'integer' ? 'a whole number' : 'a number'}.`);
        }
        return [name, n];
      }
      return [name, String(value)];
    });
  }
}

function affinity(declared: string): TableColumn['type'] {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB') || t === '') return 'blob';
  return 'real';
}
