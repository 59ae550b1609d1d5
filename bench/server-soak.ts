/**
 * HTTP ingest soak (issue 12): `spiral serve` (node dist/cli/main.js) in its own process receives
 * /v1/batch requests of 500 new events at a fixed offered rate for BENCH_SOAK_SECONDS (default 600 s,
 * the issue's 10 minutes) after a warm-up of BENCH_SOAK_WARMUP s; the server's resident set size is
 * sampled from /proc (every 10 s, or every 1/20 of a shorter run). Acceptance: RSS growth < 10% from
 * the end of the warm-up to the end of the soak.
 *
 * The workspace is pre-filled with BENCH_SOAK_PREFILL events (default 20,000,000, written straight
 * into its store before the server starts) so that the soak's own events (15M at 25,000/s for 10
 * minutes) add to the store rather than multiply it. What the service keeps per stored event — the
 * filter of stored ids (src/server/ingest/known-ids.ts, doubled when the ids double) and DuckDB's
 * cache of table blocks, which the service trims every 1M stored events (src/server/ingest/queue.ts
 * trimCache) — then does not grow over the soak, and growth of RSS means retention, not a table that
 * grew six-fold. The offered rate (BENCH_SOAK_RATE events/s) defaults to 25,000, half of the
 * issue's 50,000; the clients (node:http keep-alive, ./server.ts lightClient) send on a fixed
 * schedule (open loop), so the run also shows whether the server keeps up (achieved rate, latency,
 * how late the clients fell). A short dry run: BENCH_SOAK_SECONDS=60 BENCH_SOAK_WARMUP=10.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb } from '../src/store/duckdb/index.js';
import { loadAverage } from './_process.js';
import { PER_BATCH, batchBody, benchAuth, lightClient, rssOf, startServe } from './server.js';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const WARMUP = Number(process.env.BENCH_SOAK_WARMUP ?? 30);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 25_000);
const PREFILL = Number(process.env.BENCH_SOAK_PREFILL ?? 20_000_000);
const CLIENTS = 4;
const SAMPLE_MS = Math.min(10_000, Math.max(1000, (SECONDS * 1000) / 20));

/**
 * Writes `n` events into the workspace's store before the server opens it: 500-event "batches"
 * shaped like the soak's (same id pattern with the tag `pre`, 100,000 customers, the same types),
 * in one SQL statement, with their provenance row.
 */
async function prefill(path: string, n: number): Promise<void> {
  if (n <= 0) return;
  const store = await openDuckDb(path);
  try {
    await store.exec(`INSERT INTO events
      SELECT 'pre-b' || (i // ${PER_BATCH}) || '-' || (i % ${PER_BATCH}), 'c' || ((i * 7919) % 100000), TIMESTAMP '2024-05-01 12:00:00',
             ['view', 'view', 'view', 'cart', 'purchase'][(i % 5) + 1], 'p' || (i % 300), CASE WHEN i % 5 = 4 THEN 20 + i % 13 END,
             NULL, NULL, NULL, NULL, NULL, NULL, 'prefill'
      FROM range(${n}) t(i)`);
    await store.exec(`INSERT INTO ingests VALUES ('prefill', 'prefill', now()::TIMESTAMP, ${n}, 0, 0)`);
    await store.exec('CHECKPOINT');
  } finally {
    await store.close();
  }
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const mib = (b: number) => (b / 2 ** 20).toFixed(0);

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'spiral-bench-soak-'));
  const loadBefore = loadAverage();
  try {
    const auth = await benchAuth(dir);
    const t = performance.now();
    await prefill(join(dir, 'bench.duckdb'), PREFILL);
    const prefillSeconds = (performance.now() - t) / 1000;
    // BENCH_SOAK_NODE_ARGS (space-separated) and BENCH_SOAK_SERVER_ENV (a JSON object) reach the server process: for diagnosis runs.
    const server = await startServe(dir, process.env.BENCH_SOAK_NODE_ARGS?.split(' ').filter(Boolean) ?? [], JSON.parse(process.env.BENCH_SOAK_SERVER_ENV ?? '{}') as Record<string, string>);
    const send = lightClient(server.url, auth, CLIENTS);
    const samples: { t: number; rss: number }[] = [];
    const lat: number[] = [];
    let events = 0;
    let late = 0;
    let maxLateMs = 0;
    let rssStart = NaN;
    let t0 = 0;
    try {
      const interval = (CLIENTS * PER_BATCH * 1000) / RATE; // ms between one client's batches
      const begin = performance.now();
      const end = begin + (WARMUP + SECONDS) * 1000;
      const sampler = setInterval(() => {
        const t = performance.now();
        if (t0 && t >= t0) samples.push({ t: (t - t0) / 1000, rss: rssOf(server.pid) });
      }, SAMPLE_MS);
      const warm = setTimeout(() => {
        t0 = performance.now();
        rssStart = rssOf(server.pid);
        samples.push({ t: 0, rss: rssStart });
        events = 0;
        lat.length = 0;
        late = 0;
        maxLateMs = 0;
      }, WARMUP * 1000);
      await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
        for (let b = 0; ; b++) {
          const due = begin + (c * interval) / CLIENTS + b * interval;
          // A client that fell behind does not send its backlog past the end.
          if (due >= end || performance.now() >= end) break;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          else if (-wait > interval) {
            late++;
            maxLateMs = Math.max(maxLateMs, -wait);
          }
          const s = performance.now();
          const acked = await send(Buffer.from(batchBody(`soak-c${c}-b${b}`, b)));
          lat.push(performance.now() - s);
          events += acked;
        }
      }));
      clearInterval(sampler);
      clearTimeout(warm);
      samples.push({ t: (performance.now() - t0) / 1000, rss: rssOf(server.pid) });
    } finally {
      await server.stop();
    }
    const measured = (performance.now() - t0) / 1000;
    const stored = await openDuckDb(join(dir, 'bench.duckdb'));
    const [{ n, d }] = await stored.query<{ n: number; d: number }>('SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events');
    await stored.close();
    lat.sort((a, b) => a - b);
    const rssEnd = samples[samples.length - 1].rss;
    const rssMax = Math.max(...samples.map((s) => s.rss));
    const growth = (rssEnd - rssStart) / rssStart;
    // The store checkpoints every 64MB of WAL and holds the appended rows in memory until it does, so
    // RSS is a sawtooth: one sample against another depends on where each falls in its cycle. Two
    // readings that do not: the least-squares line through every sample (its rise over the soak,
    // relative to its value at the start), and the highest sample of the second half against the first's.
    const mt = samples.reduce((a, x) => a + x.t, 0) / samples.length;
    const mr = samples.reduce((a, x) => a + x.rss, 0) / samples.length;
    const slope = samples.reduce((a, x) => a + (x.t - mt) * (x.rss - mr), 0) / samples.reduce((a, x) => a + (x.t - mt) ** 2, 0);
    const lineStart = mr - slope * mt;
    const trend = (slope * measured) / lineStart;
    const half = measured / 2;
    const max1 = Math.max(...samples.filter((x) => x.t < half).map((x) => x.rss));
    const max2 = Math.max(...samples.filter((x) => x.t >= half).map((x) => x.rss));
    const f = (x: number) => Math.round(x).toLocaleString('en-US');
    const every = samples;
    return [
      `## server-soak: HTTP ingest at a fixed rate for ${SECONDS >= 60 ? `${(SECONDS / 60).toFixed(0)} minutes` : `${SECONDS} s`}, server RSS`,
      '',
      `Command: \`npm run bench -- server-soak\` (BENCH_SOAK_SECONDS, BENCH_SOAK_WARMUP, BENCH_SOAK_RATE, BENCH_SOAK_PREFILL change it). The workspace is pre-filled with ${f(PREFILL)} events (${prefillSeconds.toFixed(0)} s, before the server starts) so the soak's events do not multiply the store. \`spiral serve\` (node dist/cli/main.js) in its own process; ${CLIENTS} clients (node:http keep-alive) send /v1/batch requests of ${PER_BATCH} new events on a fixed schedule totalling ${f(RATE)} events/s offered (half of the issue's 50,000), ${WARMUP} s warm-up, then ${SECONDS} s measured. RSS of the server process from /proc every ${(SAMPLE_MS / 1000).toFixed(0)} s.`,
      '',
      '| measure | value |',
      '|---|---:|',
      `| events acknowledged in the measured ${measured.toFixed(0)} s | ${f(events)} |`,
      `| achieved rate | ${f(events / measured)} events/s (${((events / measured / RATE) * 100).toFixed(1)}% of offered) |`,
      `| latency p50 / p99 / max | ${pct(lat, 50).toFixed(1)} / ${pct(lat, 99).toFixed(1)} / ${lat[lat.length - 1].toFixed(1)} ms |`,
      `| batches sent more than one interval late | ${late} (most late ${maxLateMs.toFixed(0)} ms) |`,
      `| server RSS after warm-up → end (max) | ${mib(rssStart)} → ${mib(rssEnd)} MiB (${mib(rssMax)}) |`,
      `| **RSS growth** (target < 10%) | **${(growth * 100).toFixed(1)}%** — ${growth < 0.1 ? 'met' : '**not met**'} |`,
      `| RSS trend: least-squares line through every sample, rise over the ${measured.toFixed(0)} s | ${mib(lineStart)} → ${mib(lineStart + slope * measured)} MiB: **${(trend * 100).toFixed(1)}%** — ${trend < 0.1 ? 'met' : '**not met**'} |`,
      `| highest sample, first half → second half | ${mib(max1)} → ${mib(max2)} MiB (${(((max2 - max1) / max1) * 100).toFixed(1)}%) |`,
      `| store after the run | ${f(n)} events, ${f(d)} distinct ids |`,
      '',
      `RSS over time (s → MiB): ${every.map((s) => `${s.t.toFixed(0)} → ${mib(s.rss)}`).join(', ')}.`,
      '',
      `Load average (1/5/15 min) before: ${loadBefore}, after: ${loadAverage()} on 2 cores shared with other engineers' work.`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
