/**
 * One factory for every engine: `openStore(location)` opens what `--db` names (location.ts).
 * Client libraries load only when their engine is asked for (chdb is an optional dependency).
 */
import { StoreError, type Store } from './types.js';
import { parseLocation } from './location.js';
import type { DuckDbOptions } from './duckdb/index.js';

export type OpenOptions = DuckDbOptions & {
  /** ClickHouse server only: create the tables ON CLUSTER <name> (clickhouse/common.ts). */
  cluster?: string;
};

export async function openStore(location: string, opts: OpenOptions = {}): Promise<Store> {
  const loc = parseLocation(location);
  if (opts.cluster !== undefined && loc.engine !== 'clickhouse') throw new StoreError(`cluster "${opts.cluster}": only a ClickHouse server (clickhouse://…) has clusters, not ${loc.engine}`);
  switch (loc.engine) {
    case 'duckdb': {
      const { openDuckDb } = await import('./duckdb/index.js');
      const { cluster: _cluster, ...duck } = opts;
      return openDuckDb(loc.path, duck);
    }
    case 'postgres': {
      const { PostgresStore } = await import('./postgres/index.js');
      return PostgresStore.open(loc.url, opts);
    }
    case 'chdb': {
      const { ChdbStore } = await import('./clickhouse/chdb.js');
      return ChdbStore.open(loc.dir, opts);
    }
    case 'clickhouse': {
      const { ClickHouseServerStore } = await import('./clickhouse/server.js');
      return ClickHouseServerStore.open(loc.url, loc.database, opts);
    }
  }
}
