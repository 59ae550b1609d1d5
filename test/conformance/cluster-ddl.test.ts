/**
 * ClickHouse cluster DDL (`spiral ingest --db clickhouse://… --cluster <name>`). A cluster (Keeper,
 * remote_servers) cannot run on this machine, so the statements are checked by ClickHouse's own
 * parser (formatQuery in chdb, the same engine as the server) and by what they say; the single-node
 * DDL is what every chdb store in the conformance suite runs. The CLI refuses --cluster where it
 * cannot apply, before connecting.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { clickhouseSchema, CLICKHOUSE_SCHEMA } from '../../src/store/clickhouse/common.js';
import { openStore } from '../../src/store/open.js';
import { StoreError, type Store } from '../../src/store/types.js';
import { spiral } from '../helpers/cli.js';
import { scratchDir } from '../helpers/paths.js';
import { CDNOW_SAMPLE } from '../reference/cdnow.js';

let scratch: { dir: string; cleanup: () => void };
let chdb: Store;
before(async () => {
  scratch = scratchDir('spiral-cluster-ddl-');
  chdb = await openStore(`chdb:${join(scratch.dir, 'parse.chdb')}`);
});
after(async () => {
  await chdb?.close();
  scratch?.cleanup();
});

/** ClickHouse's parser, through chdb: the statement formatted on one line, or a StoreError when it does not parse. */
async function parse(sql: string): Promise<string> {
  const [row] = await chdb.query<{ f: string }>(`SELECT formatQuerySingleLine(${(chdb as Store & { lit(v: string): string }).lit(sql)}) AS f`);
  return row.f;
}

test('the parser check can fail: a broken statement does not parse', async () => {
  await assert.rejects(parse('CREATE TABLE events ON CLUSTER c ENGINE = Distributed(c, currentDatabase(), events_local, cityHash64(customer_id)'), StoreError);
});

test('cluster DDL: replicated local tables and Distributed tables ON CLUSTER, sharded by customer; ClickHouse parses every statement', async () => {
  const ddl = clickhouseSchema('spiral_cluster');
  assert.equal(ddl.length, 4);
  const parsed = await Promise.all(ddl.map(parse));
  for (const p of parsed) assert.match(p, /^CREATE TABLE IF NOT EXISTS \w+ ON CLUSTER spiral_cluster /);
  const [eventsLocal, events, ingestsLocal, ingests] = parsed;
  assert.match(eventsLocal, /^CREATE TABLE IF NOT EXISTS events_local .*ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/events_local', '\{replica\}'\) ORDER BY \(customer_id, ts, event_id\)$/);
  assert.match(events, /^CREATE TABLE IF NOT EXISTS events ON CLUSTER spiral_cluster AS events_local ENGINE = Distributed\(spiral_cluster, currentDatabase\(\), events_local, cityHash64\(customer_id\)\)$/);
  assert.match(ingestsLocal, /ENGINE = ReplicatedMergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/ingests_local', '\{replica\}'\) ORDER BY started_at$/);
  assert.match(ingests, /AS ingests_local ENGINE = Distributed\(spiral_cluster, currentDatabase\(\), ingests_local, cityHash64\(run_id\)\)$/);
  // the local tables have the single-node columns, so Spiral reads `events` the same way on both
  const cols = (s: string) => s.slice(s.indexOf('('), s.indexOf(') ENGINE') + 1);
  assert.equal(cols(eventsLocal), cols(await parse(CLICKHOUSE_SCHEMA[0])));
  assert.throws(() => clickhouseSchema('c; DROP TABLE events'), StoreError);
});

test('single-node DDL: chdb runs it (events is a ReplacingMergeTree ordered for the per-customer scans)', async () => {
  const [row] = await chdb.query<{ engine: string; sorting_key: string }>(`SELECT engine, sorting_key FROM system.tables WHERE database = currentDatabase() AND name = 'events'`);
  assert.deepEqual(row, { engine: 'ReplacingMergeTree', sorting_key: 'customer_id, ts, event_id' });
});

test('--cluster is refused, exit 2, where it cannot apply: DuckDB, chdb, a bad name — before connecting', async () => {
  const ingest = (db: string, cluster: string) => spiral(['ingest', CDNOW_SAMPLE, '--mapping', 'cdnow_sample', '--db', db, '--cluster', cluster, '--json']);
  const duck = ingest(join(scratch.dir, 'x.duckdb'), 'c1');
  assert.equal(duck.code, 2, duck.stderr);
  assert.match(duck.stderr, /--cluster: only for a ClickHouse server/);
  const ch = ingest(`chdb:${join(scratch.dir, 'y.chdb')}`, 'c1');
  assert.equal(ch.code, 2, ch.stderr);
  assert.match(ch.stderr, /chdb is one embedded node/);
  // nothing listens on port 1: the name check comes first, so this is bad usage, not a connection failure
  const bad = ingest('clickhouse://default:secret@127.0.0.1:1/shop', 'c 1');
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--cluster: "c 1" is not a cluster name/);
  assert.ok(!bad.stderr.includes('secret'));
  await assert.rejects(openStore(join(scratch.dir, 'z.duckdb'), { cluster: 'c1' }), /only a ClickHouse server/);
});
