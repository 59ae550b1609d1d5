/** Helpers for the simulator's tests: a throwaway DuckDB connection and file hashes. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export type SqlRow = Record<string, unknown>;

export interface Duck {
  all(sql: string): Promise<SqlRow[]>;
  close(): void;
}

function plain(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

export async function openDuck(): Promise<Duck> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn: DuckDBConnection = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  return {
    async all(sql: string) {
      const r = await conn.runAndReadAll(sql);
      return r.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
