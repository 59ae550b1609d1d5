/**
 * Embedded ClickHouse (the `chdb` npm package, ClickHouse 26.x in-process): `--db chdb:<dir>`.
 * The tables live in the folder; nothing needs a server. chdb is an optional dependency (large):
 * without it, opening such a store says how to install it.
 */
import { mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { StoreError } from '../types.js';
import { lit } from '../../sql/quote.js';
import { CLICKHOUSE_SETTINGS, ClickHouseStoreBase, firstLine } from './common.js';

interface ChdbResult { text(): string }
interface ChdbSession {
  queryAsync(sql: string, opts?: { format?: string }): Promise<ChdbResult>;
  close(): void;
}
type ChdbModule = { Session: new (path?: string, opts?: { connectionArgs?: string[] }) => ChdbSession };

async function loadChdb(): Promise<ChdbModule> {
  try {
    return (await import('chdb' as string)) as ChdbModule;
  } catch (e) {
    throw new StoreError(`chdb (embedded ClickHouse) is not installed: npm install chdb (${firstLine(e)})`);
  }
}

export class ChdbStore extends ClickHouseStoreBase {
  private constructor(readonly location: string, private readonly session: ChdbSession) {
    super();
  }

  static async open(dir: string, opts: { readOnly?: boolean } = {}): Promise<ChdbStore> {
    const path = resolve(dir);
    const location = `chdb:${path}`;
    try {
      if (!statSync(path).isDirectory()) throw new StoreError(`cannot open chdb store ${location}: it is a file, not a folder`);
    } catch (e) {
      if (e instanceof StoreError) throw e;
      mkdirSync(path, { recursive: true });
    }
    const { Session } = await loadChdb();
    let session: ChdbSession;
    try {
      session = new Session(path, { connectionArgs: Object.entries(CLICKHOUSE_SETTINGS).map(([k, v]) => `--${k}=${v}`) });
    } catch (e) {
      throw new StoreError(`cannot open chdb store ${location}: ${firstLine(e)}`);
    }
    const store = new ChdbStore(location, session);
    if (!opts.readOnly) await store.ensureSchema();
    return store;
  }

  protected async runQuery(sql: string): Promise<string> {
    return (await this.session.queryAsync(sql, { format: 'JSONCompact' })).text();
  }

  protected async runCommand(sql: string): Promise<void> {
    await this.session.queryAsync(sql, { format: 'Null' });
  }

  async insertParquet(table: string, path: string): Promise<void> {
    await this.exec(`INSERT INTO ${table} SELECT * FROM file(${lit(path)}, Parquet)`);
  }

  async close(): Promise<void> {
    this.session.close();
  }
}
