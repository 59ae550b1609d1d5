/**
 * The Store interface: every engine (DuckDB by default, a warehouse dialect for scale) implements it.
 * Raw events are touched only by SQL that runs inside the store; callers get small result sets back.
 */
export type Row = Record<string, unknown>;

/** The SQL dialects Spiral speaks (src/sql/dialect.ts): ClickHouse covers chdb and a server. */
export type DialectName = 'duckdb' | 'postgres' | 'clickhouse';

export interface Store {
  /** Which SQL dialect the store speaks (see src/sql/ for the per-engine pieces). */
  readonly dialect: DialectName;
  /** Where the store lives (a file path, ':memory:', or a connection string without secrets). */
  readonly location: string;
  /** Runs a query and returns plain JS rows: numbers, strings, booleans, null; timestamps as Date; BIGINT/HUGEINT as number when safe. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs one or more statements (separated by `;`) that return nothing. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  constructor(message: string, readonly sql?: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * A step of the analysis that has not been ported to this engine yet (issue 13: the SQL is
 * DuckDB's). Thrown before any SQL runs, so the user reads which step and which engine.
 */
export class EngineNotSupportedError extends StoreError {
  constructor(readonly step: string, readonly engine: DialectName) {
    super(`${step} is not yet available on ${engine === 'clickhouse' ? 'ClickHouse' : 'Postgres'}: it still runs on DuckDB only (README, "Running on ClickHouse or Postgres")`);
    this.name = 'EngineNotSupportedError';
  }
}

/** Refuses a step that runs on DuckDB only, naming the step and the store's engine. */
export function requireDuckDb(store: Pick<Store, 'dialect'>, step: string): void {
  if (store.dialect !== 'duckdb') throw new EngineNotSupportedError(step, store.dialect);
}
