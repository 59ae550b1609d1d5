/**
 * Physical line numbers for rejected rows (computed only when a CSV file has rejects).
 *
 * DuckDB numbers the records it parses, not the lines of the file: a quoted field with line breaks
 * spans several physical lines, and its reject table counts "logical" lines (records, blank lines and
 * the header). We read the file once more as plain lines, find where each logical line starts (a
 * physical line starts one when the quotes before it are balanced), and map:
 *   - DuckDB's reject line L  → the physical line where logical line L starts;
 *   - the k-th parsed record → the physical line of the k-th logical line that is data
 *     (not the header, not blank, not one DuckDB rejected).
 * A record reports its first physical line, and `raw` is the whole record's text.
 */
import type { Store } from '../store/types.js';
import { lit } from '../sql/quote.js';

export interface CsvLineMap {
  /** Table (logical, pline, raw): DuckDB's logical line → first physical line and the record's text. */
  logicalTable: string;
  /** Table (k, pline, raw): the k-th record DuckDB parsed (0-based) → first physical line and text. */
  recordTable: string;
}

export async function buildCsvLineMap(
  store: Store,
  path: string,
  opts: { header: boolean; quote: string; rejectLines: number[]; tag: string },
): Promise<CsvLineMap> {
  const lines = `spiral_lines_${opts.tag}`;
  const badLines = `spiral_badlines_${opts.tag}`;
  const phys = `spiral_phys_${opts.tag}`;
  const logical = `spiral_logical_${opts.tag}`;
  const records = `spiral_records_${opts.tag}`;
  // Every physical line as text. Lines that are not valid UTF-8 land in DuckDB's reject table with
  // their (exact, since nothing is quoted here) line numbers; the rows after them are shifted back.
  await store.exec(`CREATE OR REPLACE TEMP TABLE ${lines} AS
    SELECT l FROM read_csv(${lit(path)}, header=false, columns={'l':'VARCHAR'}, delim=E'\\x01', quote='', escape='',
      strict_mode=false, max_line_size=16777216, store_rejects=true,
      rejects_table=${lit(badLines)}, rejects_scan=${lit(badLines + '_scan')})`);
  const q = lit(opts.quote);
  await store.exec(`CREATE OR REPLACE TEMP TABLE ${phys} AS
    WITH bad AS (
      SELECT DISTINCT line, csv_line FROM ${badLines}
    ), ranked AS (
      SELECT line, csv_line, row_number() OVER (ORDER BY line) AS m FROM bad
    ), good AS (
      SELECT rowid AS r, l FROM ${lines}
    ), all_lines AS (
      SELECT r + 1 + (SELECT count(*) FROM ranked WHERE ranked.line - ranked.m <= good.r) AS pline, l FROM good
      UNION ALL
      SELECT line AS pline, csv_line AS l FROM ranked
    ), counted AS (
      SELECT pline, l,
        coalesce(sum(length(coalesce(l, '')) - length(replace(coalesce(l, ''), ${q}, '')))
          OVER (ORDER BY pline ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS quotes_before
      FROM all_lines
    )
    SELECT pline, l, max(CASE WHEN quotes_before % 2 = 0 THEN pline END) OVER (ORDER BY pline) AS start
    FROM counted`);
  await store.exec(`CREATE OR REPLACE TEMP TABLE ${logical} AS
    SELECT row_number() OVER (ORDER BY start) AS logical, start AS pline,
           (first(l ORDER BY pline) IS NULL OR trim(first(l ORDER BY pline)) = '') AND count(*) = 1 AS blank
    FROM ${phys} GROUP BY start`);
  const notRejected = opts.rejectLines.length ? `AND logical NOT IN (${opts.rejectLines.join(', ')})` : '';
  await store.exec(`CREATE OR REPLACE TEMP TABLE ${records} AS
    SELECT row_number() OVER (ORDER BY logical) - 1 AS k, pline
    FROM ${logical}
    WHERE NOT blank ${opts.header ? 'AND logical > 1' : ''} ${notRejected}`);
  await store.exec(`DROP TABLE ${lines}; DROP TABLE ${badLines}`);
  return { logicalTable: logical, recordTable: records, };
}

/** SQL for the raw text of the record starting at physical line `plineExpr` (for the reject file). */
export function rawRecordSql(tag: string, plineExpr: string): string {
  return `(SELECT string_agg(coalesce(p.l, ''), chr(10) ORDER BY p.pline) FROM spiral_phys_${tag} p WHERE p.start = ${plineExpr})`;
}

export async function dropCsvLineMap(store: Store, tag: string): Promise<void> {
  await store.exec(`DROP TABLE IF EXISTS spiral_phys_${tag}; DROP TABLE IF EXISTS spiral_logical_${tag}; DROP TABLE IF EXISTS spiral_records_${tag}`);
}
