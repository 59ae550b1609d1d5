/** A throwaway in-memory DuckDB for tests that read files back (plain rows, UTC, one thread). */
import { DuckDbStore } from '../../src/store/duckdb/index.js';

export type SqlRow = Record<string, unknown>;

export interface Duck {
  all(sql: string): Promise<SqlRow[]>;
  close(): Promise<void>;
}

export async function openDuck(): Promise<Duck> {
  const store = await DuckDbStore.open(':memory:', { threads: 1 });
  return { all: (sql) => store.query(sql), close: () => store.close() };
}
