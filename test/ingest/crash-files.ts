/** Small event files for the crash tests: 300 good events (ids e0…e299), one repeat, two bad rows. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { lit } from '../../src/sql/quote.js';

const HEAD = 'event_id,customer_id,ts,type,item_id,amount,quantity,peer_id,channel,rating,text';

function row(i: number): string {
  const day = String(1 + (i % 28)).padStart(2, '0');
  return `e${i},c${i % 37},2024-03-${day}T10:00:00Z,${i % 3 === 0 ? 'purchase' : 'view'},i${i % 11},${i % 3 === 0 ? (5 + (i % 7)).toFixed(2) : ''},1,,web,,`;
}

/** full: the 300 events with a repeat of e5 and two bad rows; half: the even-numbered 150. */
export function crashCsvFiles(dir: string): { full: string; half: string } {
  const good = Array.from({ length: 300 }, (_, i) => row(i));
  const full = join(dir, 'full.csv');
  writeFileSync(full, [HEAD, ...good.slice(0, 100), 'e9999,c1,not-a-date,purchase,i1,3,1,,web,,', row(5), ...good.slice(100), 'e9998,,2024-03-01,view,i1,,,,web,,', ''].join('\n'));
  const half = join(dir, 'half.csv');
  writeFileSync(half, [HEAD, ...good.filter((_, i) => i % 2 === 0), ''].join('\n'));
  return { full, half };
}

/** The same two files as Parquet (text columns, so the bad rows stay bad). */
export async function crashParquetFiles(dir: string): Promise<{ full: string; half: string }> {
  const csv = crashCsvFiles(dir);
  const out = { full: join(dir, 'full.parquet'), half: join(dir, 'half.parquet') };
  const store = await DuckDbStore.open(':memory:', { threads: 1 });
  for (const k of ['full', 'half'] as const) {
    await store.exec(`COPY (SELECT * FROM read_csv(${lit(csv[k])}, all_varchar = true)) TO ${lit(out[k])} (FORMAT parquet)`);
  }
  await store.close();
  return out;
}
