/**
 * The Store interface: every engine (DuckDB by default, a warehouse dialect for scale) implements it.
 * Raw events are touched only by SQL that runs inside the store; callers get small result sets back.
 */
export type Row = Record<string, unknown>;

export interface Store {
  /** Which SQL dialect the store speaks (see src/sql/ for the per-engine pieces). */
  readonly dialect: 'duckdb' | 'postgres';
  /** Where the store lives (a file path, ':memory:', or a connection string without secrets). */
  readonly location: string;
  /** Runs a query and returns plain JS rows: numbers, strings, booleans, null; timestamps as Date; BIGINT/HUGEINT as number when safe. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs one or more statements that return nothing. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  constructor(message: string, readonly sql?: string) {
    super(message);
    this.name = 'StoreError';
  }
}
