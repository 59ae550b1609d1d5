/**
 * The simulator: a brand's event log from a generative model with known ground truth
 * (BG/NBD purchases, Gamma-Gamma spend, a path-to-purchase funnel, firm exposures, a
 * preferential-attachment customer network with referrals, shares and reviews).
 *
 *   const summary = await simulate({ customers: 20_000, seed: 1, out: 'events.csv' });
 *
 * writes events.csv (or .parquet), events.truth.json and events.truth.customers.csv (.parquet).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { EventType } from '../domain/events.js';
import { PERSONA_TRUTH_FIELDS, runSimulation } from './engine.js';
import { resolveOptions, type SimulateOptions } from './options.js';
import { CUSTOMER_TRUTH_FIELDS } from './output/customer-truth.js';
import { CSV_FIELDS } from './output/event-writer.js';
import { csvToParquet, type ColumnTypes } from './output/parquet.js';
import type { SimulationTruth } from './truth.js';

export { DEFAULT_SIMULATION } from './options.js';
export type {
  SimulateOptions, SimulationParams, BgNbdParams, GammaGammaParams, AcquisitionOptions, ProspectsOptions,
  CatalogueOptions, FunnelOptions, ExposuresOptions, NetworkOptions, SocialOptions,
} from './options.js';
export type { SimulationTruth, PurchaseTruth, SpendTruth } from './truth.js';
export { TRUTH_SCHEMA_VERSION } from './truth.js';
export { bgnbdExpectedRepeats, gammaGammaMeanSpend } from './expectations.js';
export { REVIEW_TEXTS, RATING_SENTIMENT } from './mechanisms/review-text.js';
export { InvalidArgumentsError } from '../models/numeric/random.js';

export interface SimulationSummary {
  out: string;
  format: 'csv' | 'parquet';
  truthPath: string;
  /** The per-customer truth file, or null when `customerTruth: false`. */
  customerTruthPath: string | null;
  events: number;
  customers: number;
  prospects: number;
  countsByType: Record<EventType, number>;
  window: { start: string; end: string; weeks: number };
}

export const EVENT_COLUMN_TYPES: ColumnTypes = {
  event_id: 'VARCHAR', customer_id: 'VARCHAR', ts: 'TIMESTAMP', type: 'VARCHAR', item_id: 'VARCHAR',
  amount: 'DOUBLE', quantity: 'INTEGER', peer_id: 'VARCHAR', channel: 'VARCHAR', rating: 'INTEGER', text: 'VARCHAR',
};

const CUSTOMER_COLUMN_TYPES: ColumnTypes = {
  customer_id: 'VARCHAR', acquisition: 'VARCHAR', referrer_id: 'VARCHAR', referral_depth: 'INTEGER',
  first_event_ts: 'TIMESTAMP', first_purchase_ts: 'TIMESTAMP', lambda: 'DOUBLE', p: 'DOUBLE', nu: 'DOUBLE',
  purchases: 'INTEGER', repeat_purchase_days: 'INTEGER', alive_at_end: 'BOOLEAN', dropout_ts: 'TIMESTAMP',
};

const PERSONA_COLUMN_TYPES: ColumnTypes = Object.fromEntries(
  PERSONA_TRUTH_FIELDS.map((f) => [f, f === 'segment' ? 'INTEGER' : f.startsWith('p_') ? 'DOUBLE' : 'VARCHAR']),
);

/** `<out without extension>` + suffix. */
function beside(out: string, suffix: string): string {
  return out.replace(/\.(csv|parquet)$/i, '') + suffix;
}

/**
 * Simulates `customers` customers (plus prospects) and writes their events to `out`
 * (.csv or .parquet), the ground truth to `<out>.truth.json` and, unless `customerTruth: false`,
 * per-customer truth to `<out>.truth.customers.<ext>`. Same options and seed → byte-identical files.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationSummary> {
  const o = resolveOptions(options);
  const ext = o.format === 'csv' ? '.csv' : '.parquet';
  const truthPath = beside(o.out, '.truth.json');
  const customerTruthPath = o.customerTruth ? beside(o.out, `.truth.customers${ext}`) : null;
  const tmp = o.format === 'parquet' ? `${o.out}.tmp-${process.pid}` : null;
  const eventsCsv = tmp ? `${tmp}.events.csv` : `${o.out}.tmp-${process.pid}.csv`;
  const customersCsv = customerTruthPath ? (tmp ? `${tmp}.customers.csv` : `${customerTruthPath}.tmp-${process.pid}.csv`) : null;
  await mkdir(dirname(o.out), { recursive: true });
  try {
    const truth: SimulationTruth = await runSimulation(
      o.params,
      {
        eventsCsv,
        customersCsv,
        eventsName: basename(o.out),
        customersName: customerTruthPath ? basename(customerTruthPath) : null,
      },
      o.onProgress,
    );
    if (o.format === 'parquet') {
      await csvToParquet(eventsCsv, o.out, o.params.experiment ? { ...EVENT_COLUMN_TYPES, experiment: 'VARCHAR', variant: 'VARCHAR' } : EVENT_COLUMN_TYPES);
      if (customersCsv && customerTruthPath) await csvToParquet(customersCsv, customerTruthPath, o.params.personas ? { ...CUSTOMER_COLUMN_TYPES, ...PERSONA_COLUMN_TYPES } : CUSTOMER_COLUMN_TYPES);
      await rm(eventsCsv, { force: true });
      if (customersCsv) await rm(customersCsv, { force: true });
    } else {
      await rename(eventsCsv, o.out);
      if (customersCsv && customerTruthPath) await rename(customersCsv, customerTruthPath);
    }
    await writeFile(truthPath, `${JSON.stringify(truth, null, 2)}\n`);
    return {
      out: o.out,
      format: o.format,
      truthPath,
      customerTruthPath,
      events: truth.counts.events,
      customers: truth.counts.customers,
      prospects: truth.counts.prospects,
      countsByType: truth.counts.byType,
      window: truth.window,
    };
  } catch (e) {
    await rm(eventsCsv, { force: true });
    if (customersCsv) await rm(customersCsv, { force: true });
    throw e;
  }
}

export { CSV_FIELDS as EVENT_CSV_FIELDS, CUSTOMER_TRUTH_FIELDS };
