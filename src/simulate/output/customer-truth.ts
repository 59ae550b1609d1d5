/** Per-customer ground truth as CSV: one row per customer (prospects are not customers). */
import { ChunkedFileWriter } from './csv.js';
import type { IdFormat } from './event-writer.js';
import type { TimestampFormatter } from './timestamps.js';

export const CUSTOMER_TRUTH_FIELDS = [
  'customer_id', 'acquisition', 'referrer_id', 'referral_depth', 'first_event_ts', 'first_purchase_ts',
  'lambda', 'p', 'nu', 'purchases', 'repeat_purchase_days', 'alive_at_end', 'dropout_ts',
] as const;

export interface CustomerTruthRow {
  person: number;
  acquisition: string;
  /** Person number of the referrer, or -1. */
  referrer: number;
  depth: number;
  firstSec: number;
  trialSec: number;
  lambda: number;
  p: number;
  nu: number;
  purchases: number;
  /** Distinct UTC days with a repeat purchase, other than the first purchase's day. */
  repeatDays: number;
  alive: boolean;
  dropoutSec: number;
  /** Extra columns' values (already CSV-safe), when a mechanism adds columns (see create's extraFields). */
  extra?: string;
}

function num(x: number): string {
  return x.toPrecision(9);
}

export class CustomerTruthWriter {
  private constructor(private readonly file: ChunkedFileWriter, private readonly ts: TimestampFormatter, private readonly ids: IdFormat) {}

  static async create(path: string, ts: TimestampFormatter, ids: IdFormat, extraFields: readonly string[] = []): Promise<CustomerTruthWriter> {
    const w = new CustomerTruthWriter(await ChunkedFileWriter.create(path), ts, ids);
    w.file.text(`${[...CUSTOMER_TRUTH_FIELDS, ...extraFields].join(',')}\n`);
    return w;
  }

  write(r: CustomerTruthRow): void {
    this.file.text(
      `${this.ids.customer(r.person)},${r.acquisition},${r.referrer < 0 ? '' : this.ids.customer(r.referrer)},${r.depth},` +
        `${this.ts.format(r.firstSec)},${this.ts.format(r.trialSec)},${num(r.lambda)},${num(r.p)},${num(r.nu)},` +
        `${r.purchases},${r.repeatDays},${r.alive},${r.alive ? '' : this.ts.format(r.dropoutSec)}${r.extra === undefined ? '' : `,${r.extra}`}\n`,
    );
  }

  get pending(): boolean {
    return this.file.pending;
  }

  drain(): Promise<void> {
    return this.file.drain();
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
