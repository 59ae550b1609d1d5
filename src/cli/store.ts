/** Opening the user's store from the CLI, and running one analysis section over it. */
import { existsSync } from 'node:fs';
import type { Warning } from '../domain/result.js';
import type { Store } from '../store/types.js';
import { openDuckDb, type DuckDbOptions, type DuckDbStore } from '../store/duckdb/index.js';
import { UsageError } from './errors.js';
import type { Output } from './io.js';

/** Opens a store that must already exist (commands other than ingest never create one). */
export async function openExistingStore(db: string, opts: DuckDbOptions = {}): Promise<DuckDbStore> {
  if (!existsSync(db)) throw new UsageError(`--db: ${db}: no such store (create it with spiral ingest)`);
  return openDuckDb(db, opts);
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
  const section = await withStore(db, (store) => run(store, []));
  if (section === undefined) {
    o.result({ [key]: null, message: noneMessage }, `${key}: ${noneMessage}`);
    return;
  }
  o.result(section, summary(section));
}
