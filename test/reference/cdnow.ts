/**
 * Loads the CDNOW 1/10th sample (SOURCES.md section 1b) into a fresh in-memory DuckDB store through
 * the real ingest and the bundled `cdnow_sample` mapping, so the reference numbers also test ingest.
 */
import type { DuckDbStore } from '../../src/store/duckdb/index.js';
import { memoryStoreWith } from '../helpers/ingest.js';
import { sharedData } from '../helpers/paths.js';

export const CDNOW_SAMPLE = sharedData('cdnow', 'cdnow_sample_elog.csv');

export async function openCdnowSampleStore(): Promise<DuckDbStore> {
  const { store, report } = await memoryStoreWith([CDNOW_SAMPLE], 'cdnow_sample');
  if (report.rejected !== 0) throw new Error(`cdnow_sample ingest rejected ${report.rejected} rows`);
  return store;
}
