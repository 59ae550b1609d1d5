/** Cached simulated event logs for the benches (bench/.data/, gitignored). */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate } from '../src/simulate/index.js';

export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '.data');

/** A simulated log of `customers` customers (seed 1) as CSV or Parquet; generated once and reused. */
export async function simulatedEvents(customers: number, format: 'csv' | 'parquet'): Promise<{ path: string; events: number }> {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `sim-${customers}.${format}`);
  const truth = path.replace(/\.(csv|parquet)$/, '.truth.json');
  if (!existsSync(path) || !existsSync(truth)) {
    process.stderr.write(`bench: simulating ${customers} customers → ${path}\n`);
    await simulate({ customers, seed: 1, out: path });
  }
  const t = JSON.parse(readFileSync(truth, 'utf8')) as { counts: { events: number } };
  return { path, events: t.counts.events };
}
