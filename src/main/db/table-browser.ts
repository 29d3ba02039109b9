import type { Db } from './connection';
import type { TableColumn, TableInfo } from '../../shared/domain';
import { ApiError, IntakeError } from '../../shared/errors';
import { READ_ONLY_TABLES, checkValue, columnRule } from '../../shared/table-rules';

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
      const columns: TableColumn[] = cols.map((c) => {
        const rule = columnRule(name, c.name);
        return {
          name: c.name,
          type: affinity(c.type),
          primaryKey: c.pk > 0,
          editable: !rule.protected && affinity(c.type) !== 'blob' && !(c.pk > 0 && affinity(c.type) === 'integer'),
          nullable: c.notnull === 0,
          hasDefault: c.dflt_value !== null,
          kind: rule.kind,
          ...(rule.options ? { options: rule.options } : {}),
        };
      });
      this.tables.set(name, { name, columns, defaultSort, ...(READ_ONLY_TABLES[name] ? { readOnly: READ_ONLY_TABLES[name] } : {}) });
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
    const info = this.writable(table);
    const entries = this.checkedValues(info, values);
    if (!entries.length) throw new ApiError('invalid_value', 'Give at least one column value.');
    // The engine's timestamps of a new row are "now"; the user does not type epoch numbers.
    for (const c of info.columns) {
      if (entries.some(([n]) => n === c.name)) continue;
      if (c.kind === 'timestamp-s') entries.push([c.name, Math.floor(Date.now() / 1000)]);
      else if (c.kind === 'timestamp-ms') entries.push([c.name, Date.now()]);
      else if (!c.nullable && !c.hasDefault && !c.primaryKey) throw new ApiError('invalid_value', `${c.name}: needs a value.`);
    }
    const sql = `INSERT INTO ${info.name} (${entries.map(([c]) => c).join(', ')}) VALUES (${entries.map(() => '?').join(', ')})`;
    return Number(this.run(() => this.db.prepare(sql).run(...entries.map(([, v]) => v))).lastInsertRowid);
  }

  update(table: string, rowid: number, values: Record<string, string | number | null>): number {
    const info = this.writable(table);
    const entries = this.checkedValues(info, values);
    if (!entries.length) return 0;
    // An edited row says when it was edited.
    if (info.columns.some((c) => c.name === 'updated_at')) entries.push(['updated_at', Math.floor(Date.now() / 1000)]);
    const sql = `UPDATE ${info.name} SET ${entries.map(([c]) => `${c} = ?`).join(', ')} WHERE rowid = ?`;
    const changes = this.run(() => this.db.prepare(sql).run(...entries.map(([, v]) => v), rowid)).changes;
    if (!changes) throw new ApiError('not_found', `No row ${rowid} in ${info.name}.`);
    return changes;
  }

  delete(table: string, rowid: number): number {
    const info = this.writable(table);
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

  /** A table rows may be written to here; settings go through the Settings screen's validation. */
  private writable(name: string): TableInfo {
    const info = this.table(name);
    if (info.readOnly) throw new ApiError('read_only_table', info.readOnly);
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
      if (!col.editable) throw new ApiError('read_only_column', `${name}: set by Intake, it cannot be edited here.`);
      if (value === null) {
        if (!col.nullable) throw new ApiError('invalid_value', `${name}: needs a value (it cannot be NULL).`);
        return [name, null];
      }
      if (col.type === 'integer' || col.type === 'real') {
        const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
        if (!Number.isFinite(n) || (col.type === 'integer' && !Number.isInteger(n))) {
          throw new ApiError('invalid_value', `${name}: needs ${col.type === 'integer' ? 'a whole number' : 'a number'}.`);
        }
        return [name, n];
      }
      const problem = checkValue({ kind: col.kind, options: col.options }, String(value));
      if (problem) throw new ApiError('invalid_value', `${name}: ${problem}`);
      if (col.kind === 'date' && value === '') return [name, col.nullable ? null : ''];
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
