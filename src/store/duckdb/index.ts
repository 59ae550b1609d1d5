/**
 * The default engine: embedded DuckDB, one file (or ':memory:'). Nothing needs a server.
 */
import type { DuckDBConnection, DuckDBDoubleVector, DuckDBMaterializedResult, DuckDBValue } from '@duckdb/node-api';
import { DuckDBInstance, DuckDBTypeId } from './node-api.js';
import { isDuckDbFile } from './file.js';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreError, type Row, type Store } from '../types.js';
import { ensureSchema } from '../schema.js';

export { isDuckDbFile } from './file.js';

export interface DuckDbOptions {
  /** DuckDB memory_limit, e.g. '2GB'. Default: $SPIRAL_DUCKDB_MEMORY_LIMIT, else DuckDB's own (80% of RAM). */
  memoryLimit?: string;
  /** Worker threads; default: $SPIRAL_DUCKDB_THREADS, else DuckDB's own (all cores). */
  threads?: number;
  /** Open read-only (several readers may share one file). */
  readOnly?: boolean;
  /**
   * DuckDB checkpoint_threshold: the WAL size at which a commit checkpoints, e.g. '64MB'. Default:
   * DuckDB's own (16MB). A larger one means fewer, longer checkpoints (the service's stores, ../../server/workspaces.ts).
   */
  checkpointThreshold?: string;
  /**
   * Keep the memory DuckDB's allocator frees for reuse instead of giving it back to the system: DuckDB's
   * block_allocator_memory (buffer blocks, never freed while the store is open) and allocator_flush_threshold (no
   * purge after a task below it), both set to this size. For the commands that run the next-action step (see
   * ./allocator.ts), not the whole analysis or the service: each page given back and reused costs a page fault;
   * with both at the 1 GB memory limit that step took ~10% fewer faults than with the longer jemalloc decay alone.
   * DuckDB cannot shrink the block allocator while the store is open.
   */
  retainMemory?: string;
}

/** Converts DuckDB's JS values to plain ones: BIGINT/HUGEINT → number when it fits exactly. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

export class DuckDbStore implements Store {
  readonly dialect = 'duckdb' as const;
  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    /** The memory_limit the database was opened with, as given (null: DuckDB's default); every connection shares it. */
    readonly memoryLimit: string | null,
    private readonly ownsInstance = true,
  ) {}

  static async open(path: string, opts: DuckDbOptions = {}): Promise<DuckDbStore> {
    const location = path === ':memory:' ? path : resolve(path);
    if (location !== ':memory:') {
      if (existsSync(location) && !isDuckDbFile(location)) {
        throw new StoreError(`cannot open DuckDB store ${location}: ${statSync(location).isDirectory() ? 'it is a directory' : 'the file exists and is not a DuckDB database'}`);
      }
      mkdirSync(dirname(location), { recursive: true });
    }
    const config: Record<string, string> = {};
    const memoryLimit = opts.memoryLimit ?? process.env.SPIRAL_DUCKDB_MEMORY_LIMIT;
    const threads = opts.threads ?? (process.env.SPIRAL_DUCKDB_THREADS ? Number(process.env.SPIRAL_DUCKDB_THREADS) : undefined);
    if (memoryLimit) config.memory_limit = memoryLimit;
    if (threads) config.threads = String(threads);
    if (opts.readOnly) config.access_mode = 'READ_ONLY';
    if (opts.checkpointThreshold) config.checkpoint_threshold = opts.checkpointThreshold;
    if (opts.retainMemory) config.block_allocator_memory = config.allocator_flush_threshold = opts.retainMemory;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(location, config);
    } catch (e) {
      throw new StoreError(`cannot open DuckDB store ${location}: ${(e as Error).message}`);
    }
    const conn = await instance.connect();
    const store = new DuckDbStore(location, instance, conn, memoryLimit ?? null);
    if (location !== ':memory:') await store.checkFileBacked();
    // Timestamps are stored in UTC; strings with an offset are converted, strings without one are taken as UTC.
    await store.exec("SET TimeZone = 'UTC'");
    if (!opts.readOnly) await ensureSchema(store);
    return store;
  }

  /** DuckDB opens some paths (a .csv, say) as a database without storage; such a store would keep nothing. */
  private async checkFileBacked(): Promise<void> {
    const [db] = await this.query<{ path: string | null }>('SELECT path FROM duckdb_databases() WHERE database_name = current_database()');
    if (!db?.path) {
      await this.close();
      throw new StoreError(`cannot open DuckDB store ${this.location}: DuckDB did not open it as a database file (it would keep nothing)`);
    }
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      const reader = await this.conn.runAndReadAll(sql, params.length ? (params as DuckDBValue[]) : undefined);
      return reader.getRowObjectsJS().map((r) => plain(r) as T);
    } catch (e) {
      throw new StoreError((e as Error).message, sql);
    }
  }

  /**
   * A result as one array per column (DuckDB's columnar read): for results of many rows that go
   * straight into typed arrays, at about half the CPU time of row objects.
   */
  async queryColumns(sql: string): Promise<Record<string, unknown[]>> {
    try {
      const reader = await this.conn.runAndReadAll(sql);
      return reader.getColumnsObjectJS() as Record<string, unknown[]>;
    } catch (e) {
      throw new StoreError((e as Error).message, sql);
    }
  }

  /**
   * A result whose columns are all DOUBLE, as one Float64Array per column copied straight from
   * DuckDB's vectors: no JavaScript value per cell (157k rows × 4 columns: a few ms of CPU instead of
   * about 90 ms through queryColumns). A NULL is an error, not a 0 or a NaN a caller could sum.
   */
  async queryDoubleColumns(sql: string): Promise<Record<string, Float64Array>> {
    let result: DuckDBMaterializedResult;
    try {
      result = await this.conn.run(sql);
    } catch (e) {
      throw new StoreError((e as Error).message, sql);
    }
    const names = result.columnNames();
    names.forEach((name, c) => {
      const type = result.columnTypeId(c);
      if (type !== DuckDBTypeId.DOUBLE) throw new StoreError(`queryDoubleColumns: column "${name}" is ${DuckDBTypeId[type]}, not DOUBLE`, sql);
    });
    const parts: Float64Array[][] = names.map(() => []);
    let rows = 0;
    for (;;) {
      let chunk: Awaited<ReturnType<DuckDBMaterializedResult['fetchChunk']>>;
      try {
        chunk = await result.fetchChunk();
      } catch (e) {
        throw new StoreError((e as Error).message, sql);
      }
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      for (let c = 0; c < names.length; c++) {
        const vector = chunk.getColumnVector(c) as DuckDBDoubleVector;
        const part = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const v = vector.getItem(i);
          if (v === null) throw new StoreError(`queryDoubleColumns: column "${names[c]}" has a NULL in row ${rows + i + 1}`, sql);
          part[i] = v;
        }
        parts[c].push(part);
      }
      rows += n;
    }
    const columns: Record<string, Float64Array> = {};
    names.forEach((name, c) => {
      const all = new Float64Array(rows);
      let at = 0;
      for (const part of parts[c]) {
        all.set(part, at);
        at += part.length;
      }
      columns[name] = all;
    });
    return columns;
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.conn.run(sql);
    } catch (e) {
      throw new StoreError((e as Error).message, sql);
    }
  }

  /**
   * Appends rows to a table through DuckDB's Appender (values straight into the table's columns: no
   * SQL text to parse, no per-row statement), inside the connection's open transaction if there is
   * one. A value is a string (VARCHAR), a number (DOUBLE) or null; `table` may name a temp table
   * (`{ catalog: 'temp' }`).
   */
  async append(table: string, rows: readonly (readonly (string | number | null)[])[], where: { catalog?: string; schema?: string } = {}): Promise<void> {
    let appender: Awaited<ReturnType<DuckDBConnection['createAppender']>> | undefined;
    try {
      appender = await this.conn.createAppender(table, where.schema ?? 'main', where.catalog ?? null);
      for (const row of rows) {
        for (const v of row) {
          if (v === null) appender.appendNull();
          else if (typeof v === 'number') appender.appendDouble(v);
          else appender.appendVarchar(v);
        }
        appender.endRow();
      }
      appender.flushSync();
    } catch (e) {
      throw new StoreError(`appending ${rows.length} rows to ${table}: ${(e as Error).message}`);
    } finally {
      try {
        appender?.closeSync();
      } catch {
        // a failed append already threw; closing the broken appender has nothing to add
      }
    }
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }

  /**
   * Another connection to the same database, with its own transactions (DuckDB allows one process
   * per file, several connections inside it). Closing it leaves this store open.
   */
  async connect(): Promise<DuckDbStore> {
    const store = new DuckDbStore(this.location, this.instance, await this.instance.connect(), this.memoryLimit, false);
    await store.exec("SET TimeZone = 'UTC'");
    return store;
  }
}

export function openDuckDb(path: string, opts?: DuckDbOptions): Promise<DuckDbStore> {
  return DuckDbStore.open(path, opts);
}
