/**
 * Where a server's memory is, for diagnosis runs (not a bench of its own): preloaded into `spiral serve`,
 * it appends one JSON line every MEMDIAG_MS (10 s) to MEMDIAG_OUT (/tmp/memdiag.jsonl) with RSS, the
 * Node heap, external memory, resident memory by kind of mapping (/proc/self/smaps: the brk heap,
 * arena-sized anonymous mappings, other anonymous mappings, files) and DuckDB's duckdb_memory() per
 * tag of every instance the process opened (DuckDBInstance.create is wrapped to find them).
 *
 *   BENCH_SOAK_SECONDS=300 BENCH_SOAK_NODE_ARGS="--import $PWD/bench/_memdiag.mjs" \
 *   BENCH_SOAK_SERVER_ENV='{"MEMDIAG_OUT":"/tmp/memdiag.jsonl"}' npm run bench -- server-soak
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { appendFileSync, readFileSync } from 'node:fs';
const out = process.env.MEMDIAG_OUT ?? '/tmp/memdiag.jsonl';
const instances = [];
const create = DuckDBInstance.create.bind(DuckDBInstance);
DuckDBInstance.create = async (...a) => { const i = await create(...a); instances.push({ path: a[0], i }); return i; };
function smaps() {
  const txt = readFileSync('/proc/self/smaps', 'utf8');
  const agg = { heap: 0, anon64: 0, anonOther: 0, file: 0, stack: 0 };
  let cur = null; let size = 0;
  for (const line of txt.split('\n')) {
    const h = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (h) { size = (parseInt(h[2], 16) - parseInt(h[1], 16)); const name = h[3]; cur = name === '[heap]' ? 'heap' : name.startsWith('[stack') ? 'stack' : name === '' ? (size >= 60 * 2 ** 20 ? 'anon64' : 'anonOther') : 'file'; continue; }
    const r = /^Rss:\s+(\d+) kB/.exec(line);
    if (r && cur) agg[cur] += Number(r[1]) / 1024;
  }
  return Object.fromEntries(Object.entries(agg).map(([k, v]) => [k, Math.round(v)]));
}
const t0 = Date.now();
setInterval(async () => {
  const m = process.memoryUsage();
  const rec = { t: Math.round((Date.now() - t0) / 1000), rss: Math.round(m.rss / 2 ** 20), heapUsed: Math.round(m.heapUsed / 2 ** 20), heapTotal: Math.round(m.heapTotal / 2 ** 20), external: Math.round(m.external / 2 ** 20), ab: Math.round(m.arrayBuffers / 2 ** 20), smaps: smaps(), duck: {} };
  for (const { path, i } of instances) {
    try {
      const c = await i.connect();
      const r = await c.runAndReadAll(`SELECT tag, memory_usage_bytes AS m FROM duckdb_memory() WHERE memory_usage_bytes > 0`);
      for (const row of r.getRowObjectsJS()) rec.duck[`${String(path).split('/').pop()}:${row.tag}`] = Math.round(Number(row.m) / 2 ** 20);
      c.closeSync();
    } catch (e) { rec.err = String(e); }
  }
  appendFileSync(out, JSON.stringify(rec) + '\n');
}, Number(process.env.MEMDIAG_MS ?? 10000)).unref();
