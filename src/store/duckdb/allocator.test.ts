/**
 * DuckDB's allocator settings: the jemalloc decay set before the library loads (unless the user set their own) by
 * the commands that run the next-action step alone, and retainMemory on their stores only (not analyze's, the
 * ingest's or the service's).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDuckDb } from './index.js';
import { DUCKDB_JEMALLOC_CONF } from './allocator.js';
import { analysisStoreOptions, ingestStoreOptions, nextActionStoreOptions } from '../../analysis/store-options.js';

const setting = async (store: Awaited<ReturnType<typeof openDuckDb>>, name: string): Promise<string> =>
  String((await store.query<{ v: string }>(`SELECT current_setting('${name}') AS v`))[0].v);

test('retainMemory sets DuckDB\'s block allocator and flush threshold to the size; without it they keep DuckDB\'s defaults', async () => {
  const kept = await openDuckDb(':memory:', { memoryLimit: '512MB', retainMemory: '300MB' });
  const plain = await openDuckDb(':memory:', { memoryLimit: '512MB' });
  try {
    // DuckDB reports sizes in MiB with one decimal: 300 MB = 286.1 MiB
    assert.equal(await setting(kept, 'block_allocator_memory'), '286.1 MiB');
    assert.equal(await setting(kept, 'allocator_flush_threshold'), '286.1 MiB');
    assert.equal(await setting(plain, 'block_allocator_memory'), '0 bytes');
    assert.equal(await setting(plain, 'allocator_flush_threshold'), '128.0 MiB');
    // a store that keeps memory still answers (the block allocator serves the buffer pool)
    const [r] = await kept.query<{ n: number; s: number }>('SELECT count(*) AS n, sum(i) AS s FROM (SELECT i FROM range(2000000) t(i) ORDER BY i DESC)');
    assert.deepEqual([r.n, r.s], [2_000_000, 1_999_999_000_000]);
  } finally {
    await kept.close();
    await plain.close();
  }
});

test('the next-action commands keep memory up to their limit; analyze, the service and ingest do not', () => {
  const saved = process.env.SPIRAL_DUCKDB_MEMORY_LIMIT;
  try {
    process.env.SPIRAL_DUCKDB_MEMORY_LIMIT = '700MB';
    assert.deepEqual(nextActionStoreOptions(), { memoryLimit: '700MB', retainMemory: '700MB' });
    assert.deepEqual(analysisStoreOptions(), { memoryLimit: '700MB' });
    assert.deepEqual(ingestStoreOptions(), { memoryLimit: '700MB' });
    delete process.env.SPIRAL_DUCKDB_MEMORY_LIMIT;
    assert.deepEqual(nextActionStoreOptions(), { memoryLimit: '1GB', retainMemory: '1GB' });
    assert.deepEqual(analysisStoreOptions(), { memoryLimit: '1GB' });
    assert.deepEqual(ingestStoreOptions(), { memoryLimit: '4GB' });
  } finally {
    if (saved === undefined) delete process.env.SPIRAL_DUCKDB_MEMORY_LIMIT;
    else process.env.SPIRAL_DUCKDB_MEMORY_LIMIT = saved;
  }
});

test('the CLI sets the decay before DuckDB loads for the next-action commands only, and a user\'s own wins', () => {
  // what the process environment holds once the command's modules (and DuckDB) are loaded: --help loads them
  const program = JSON.stringify(fileURLToPath(new URL('../../cli/program.ts', import.meta.url)));
  // and whether libduckdb was loaded by the command's modules, not before (jemalloc reads the variable at that load)
  const loaded = `(await import('node:fs')).readFileSync('/proc/self/maps', 'utf8').includes('libduckdb')`;
  const probe = (cmd: string): string => `const { buildProgram } = await import(${program}); const before = ${loaded}; await buildProgram([${JSON.stringify(cmd)}, '--help']); ` +
    `console.log(before, ${loaded}, process.env.DUCKDB_JE_MALLOC_CONF ?? 'unset')`;
  const run = (cmd: string, env: NodeJS.ProcessEnv): string => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe(cmd)], { encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    const [before, after, conf] = r.stdout.trim().split('\n').at(-1)!.split(' ');
    if (cmd === 'actions') assert.deepEqual([before, after], ['false', 'true'], 'DuckDB loads with the command, after the program set the variable');
    return conf;
  };
  const { DUCKDB_JE_MALLOC_CONF: _drop, ...env } = process.env;
  for (const cmd of ['actions', 'segments', 'customer']) assert.equal(run(cmd, env), DUCKDB_JEMALLOC_CONF, cmd);
  for (const cmd of ['analyze', 'serve', 'ingest']) assert.equal(run(cmd, env), 'unset', cmd);
  assert.match(DUCKDB_JEMALLOC_CONF, /dirty_decay_ms:10000/);
  assert.equal(run('actions', { ...env, DUCKDB_JE_MALLOC_CONF: 'dirty_decay_ms:2000' }), 'dirty_decay_ms:2000');
});

test('DuckDB\'s jemalloc reads the variable set in this process when the library loads, not later', () => {
  const nodeApi = JSON.stringify(fileURLToPath(new URL('./node-api.ts', import.meta.url)));
  // an invalid option with abort_conf makes jemalloc abort the process: proof that it read the value
  const bad = `process.env.DUCKDB_JE_MALLOC_CONF = 'abort_conf:true,not_an_option:1'`;
  const open = `const db = await DuckDBInstance.create(':memory:'); await (await db.connect()).run('SELECT 1'); console.log('opened')`;
  const { DUCKDB_JE_MALLOC_CONF: _drop, ...env } = process.env;
  const child = (code: string) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', env });
  const before = child(`${bad}; const { DuckDBInstance } = await import(${nodeApi}); ${open}`);
  assert.equal(before.signal, 'SIGABRT', `set before the load: ${before.stdout} ${before.stderr}`);
  assert.match(before.stderr, /not_an_option/);
  const afterLoad = child(`const { DuckDBInstance } = await import(${nodeApi}); ${bad}; ${open}`);
  assert.equal(afterLoad.status, 0, afterLoad.stderr);
  assert.equal(afterLoad.stdout.trim(), 'opened');
});
