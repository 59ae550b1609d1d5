/** Loads the CDNOW 1/10th sample (SOURCES.md section 1b) into a fresh in-memory DuckDB store, by SQL alone. */
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { sharedData } from '../helpers/paths.js';

export const CDNOW_SAMPLE = sharedData('cdnow', 'cdnow_sample_elog.csv');

export async function openCdnowSampleStore(): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:', { threads: 1 });
  await store.exec(`
    INSERT INTO events (event_id, customer_id, ts, type, amount, quantity, source)
    SELECT 'cdnow-' || CAST(row_number() OVER () AS VARCHAR), masterid, CAST(strptime(date, '%Y%m%d') AS TIMESTAMP),
           'purchase', sales, cds, 'cdnow_sample_elog.csv'
    FROM read_csv('${CDNOW_SAMPLE.replace(/'/g, "''")}', header = true,
      columns = {'masterid': 'VARCHAR', 'sampleid': 'VARCHAR', 'date': 'VARCHAR', 'cds': 'DOUBLE', 'sales': 'DOUBLE'})`);
  return store;
}
