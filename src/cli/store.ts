/** Opening the user's store from the CLI, and running one analysis section over it. */
import { existsSync, statSync } from 'node:fs';
import type { Warning } from '../domain/result.js';
import type { Store } from '../store/types.js';
import type { DuckDbOptions } from '../store/duckdb/index.js';
import { isDuckDbFile } from '../store/duckdb/file.js';
import { StoreError, requireDuckDb } from '../store/types.js';
import { LocationError, parseLocation } from '../store/location.js';
import { openStore, type OpenOptions } from '../store/open.js';
import { scopeToPlausibleDates } from '../analysis/scope.js';
import { UsageError } from './errors.js';
import { getCurrentCommand } from './current-command.js';
import { CLUSTER_NAME } from '../store/clickhouse/cluster-name.js';
import type { Output } from './io.js';

/**
 * Checks `--db` before any work: an empty path or ':memory:' (a store that keeps nothing), a
 * directory, or an existing file that is not a DuckDB database is bad usage naming `--db`.
 */
export function checkStorePath(db: string): void {
  if (db.trim() === '' || db.trim() === ':memory:') throw new UsageError(`--db: give a store file path ("${db}" would open a store in memory that keeps nothing)`);
  if (!existsSync(db)) return;
  if (statSync(db).isDirectory()) throw new UsageError(`--db: ${db} is a directory, not a store file (e.g. --db ${db.replace(/\/+$/, '')}/store.duckdb)`);
  if (!isDuckDbFile(db)) throw new UsageError(`--db: ${db} exists and is not a Spiral store (a DuckDB database file); give a new path or the store spiral ingest wrote`);
}

/**
 * Opens the store at `--db`, creating it when `create` (ingest) and it does not exist yet. A file
 * path is DuckDB; postgres://, clickhouse:// and chdb:<dir> open those engines (a connection that
 * fails is a StoreError naming the location without its password: exit 1).
 */
export async function openStoreFlag(db: string, opts: { create: boolean } & OpenOptions): Promise<Store> {
  let engine: string;
  try {
    engine = parseLocation(db).engine;
  } catch (e) {
    if (e instanceof LocationError) throw new UsageError(`--db: ${e.message}`);
    throw e;
  }
  if (opts.cluster !== undefined && engine !== 'clickhouse') {
    throw new UsageError(`--cluster: only for a ClickHouse server (--db clickhouse://…); ${engine === 'chdb' ? 'chdb is one embedded node' : `${db} is not ClickHouse`}`);
  }
  if (opts.cluster !== undefined && !CLUSTER_NAME.test(opts.cluster)) throw new UsageError(`--cluster: "${opts.cluster}" is not a cluster name (letters, digits and _, as in the servers' remote_servers config)`);
  if (engine !== 'duckdb') {
    if (engine === 'chdb' && !opts.create && !existsSync(db.slice(5))) throw new UsageError(`--db: ${db}: no such store (create it with spiral ingest)`);
    return openStore(db, opts);
  }
  checkStorePath(db);
  if (!opts.create && !existsSync(db)) throw new UsageError(`--db: ${db}: no such store (create it with spiral ingest)`);
  // DuckDB's client is loaded here, when a command opens its store, not when the command is registered (--help).
  const { openDuckDb } = await import('../store/duckdb/index.js');
  try {
    const { create: _create, cluster: _cluster, ...duck } = opts;
    return await openDuckDb(db, duck);
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(`--db: ${e.message}`);
    throw e;
  }
}

/** Opens a store that must already exist (commands other than ingest never create one). */
export async function openExistingStore(db: string, opts: DuckDbOptions = {}): Promise<Store> {
  return openStoreFlag(db, { ...opts, create: false });
}

/**
 * Runs `work` on the store at `db` and closes it whatever happens. Only DuckDB unless
 * `anyEngine` (the steps ported to Postgres and ClickHouse so far, README): any other command on
 * another engine stops with "not yet available on <engine>" before any SQL runs.
 */
export async function withStore<T>(db: string, work: (store: Store) => Promise<T>, opts: DuckDbOptions & { anyEngine?: boolean } = {}): Promise<T> {
  const { anyEngine, ...duck } = opts;
  const store = await openExistingStore(db, duck);
  try {
    if (!anyEngine) requireDuckDb(store, `spiral ${getCurrentCommand()}`);
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * The shape of `spiral brand|funnel|network`: run one section of the analysis result and print it
 * (JSON with --json), or say why there is none.
 */
export async function printSection<S>(
  o: Output,
  db: string,
  key: string,
  run: (store: Store, warnings: Warning[]) => Promise<S | undefined>,
  summary: (section: S) => string,
  noneMessage = 'the store has no events: ingest a file first',
  storeOpts: { anyEngine?: boolean } = {},
): Promise<void> {
  const section = await withStore(db, async (store) => {
    const warnings: Warning[] = [];
    const scope = await scopeToPlausibleDates(store);
    if (scope) {
      warnings.push(scope);
      o.warn(`warning (${scope.section}): ${scope.message}`);
    }
    return run(store, warnings);
  }, storeOpts);
  if (section === undefined) {
    o.result({ [key]: null, message: noneMessage }, `${key}: ${noneMessage}`);
    return;
  }
  o.result(section, summary(section));
}
