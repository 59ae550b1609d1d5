/** Opening the user's store from the CLI, and running one analysis section over it. */
import { existsSync, statSync } from 'node:fs';
import type { Warning } from '../domain/result.js';
import type { Store } from '../store/types.js';
import { isDuckDbFile, openDuckDb, type DuckDbOptions, type DuckDbStore } from '../store/duckdb/index.js';
import { StoreError } from '../store/types.js';
import { scopeToPlausibleDates } from '../analysis/scope.js';
import { UsageError } from './errors.js';
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

/** Opens the store at `--db`, creating it when `create` (ingest) and it does not exist yet. */
export async function openStoreFlag(db: string, opts: { create: boolean } & DuckDbOptions): Promise<DuckDbStore> {
  checkStorePath(db);
  if (!opts.create && !existsSync(db)) throw new UsageError(`--db: ${db}: no such store (create it with spiral ingest)`);
  try {
    const { create: _create, ...duck } = opts;
    return await openDuckDb(db, duck);
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(`--db: ${e.message}`);
    throw e;
  }
}

/** Opens a store that must already exist (commands other than ingest never create one). */
export async function openExistingStore(db: string, opts: DuckDbOptions = {}): Promise<DuckDbStore> {
  return openStoreFlag(db, { ...opts, create: false });
}

/** Runs `work` on the store at `db` and closes it whatever happens. */
export async function withStore<T>(db: string, work: (store: Store) => Promise<T>, opts: DuckDbOptions = {}): Promise<T> {
  const store = await openExistingStore(db, opts);
  try {
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
): Promise<void> {
  const section = await withStore(db, async (store) => {
    const warnings: Warning[] = [];
    const scope = await scopeToPlausibleDates(store);
    if (scope) {
      warnings.push(scope);
      o.warn(`warning (${scope.section}): ${scope.message}`);
    }
    return run(store, warnings);
  });
  if (section === undefined) {
    o.result({ [key]: null, message: noneMessage }, `${key}: ${noneMessage}`);
    return;
  }
  o.result(section, summary(section));
}
