/**
 * CSV → Parquet through DuckDB's own reader and writer (column types stated, not sniffed), so
 * the rows of a Parquet output are exactly those of the CSV the simulator wrote.
 */
import { DuckDBInstance } from '../../store/duckdb/node-api.js';
import { lit as sqlString } from '../../sql/quote.js';


/** Column name → DuckDB type, in file order. */
export type ColumnTypes = Readonly<Record<string, string>>;

export async function csvToParquet(csvPath: string, parquetPath: string, columns: ColumnTypes): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: '512MB', threads: '2' });
  const conn = await instance.connect();
  try {
    const cols = Object.entries(columns).map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`).join(', ');
    await conn.run(
      `COPY (SELECT * FROM read_csv(${sqlString(csvPath)}, header = true, delim = ',', quote = '"', escape = '"', ` +
        `columns = {${cols}}, auto_detect = false)) TO ${sqlString(parquetPath)} (FORMAT parquet, COMPRESSION snappy)`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
