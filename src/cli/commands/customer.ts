/**
 * `spiral customer --db <db> --id <customer_id> [--json]`: one customer's profile — facts, behaviour
 * scores, segment, CLV and P(alive), network scores, experience, action and recommendations.
 */
import type { Command } from 'commander';
import { CustomerNotFoundError, customerProfile, type CustomerProfile } from '../../analysis/customer.js';
import { runSegmentsWithClv } from '../../analysis/segments.js';
import { ACTIONS_TABLE } from '../../experiences/actions.js';
import { tableExists } from '../../segments/facts.js';
import { UsageError } from '../errors.js';
import type { Output } from '../io.js';
import { withStore } from '../store.js';
import { nextActionStoreOptions } from '../../analysis/store-options.js';

const f = (x: unknown, d = 2): string => (x === null || x === undefined ? '—' : typeof x === 'number' ? x.toFixed(d) : String(x));

function profileSummary(p: CustomerProfile): string {
  const x = p.facts;
  return [
    `customer ${p.customerId}: segment ${p.segment.name ?? '—'}`,
    `  events ${x.events}, purchases ${x.n_purchase}, spend ${f(x.spend)}, first ${f(x.first_event)}, last ${f(x.last_event)}`,
    `  behaviours: ${Object.entries(p.behaviours).map(([k, v]) => `${k} ${v === null ? 'null' : v.toFixed(0)}`).join(', ')}`,
    `  CLV ${f(p.clv.clv)}, P(alive) ${f(p.clv.pAlive, 3)}, expected purchases ${f(p.clv.expectedPurchases)}`,
    `  network: ${p.network ? `PageRank ${f(p.network.pagerank, 6)}, k-core ${f(p.network.core, 0)}, referrals ${f(p.network.referrals, 0)}` : 'not in the network'}`,
    ...(p.action
      ? [
        `  experience ${p.action.experience}: ${p.action.action}${p.action.due ? ` (due ${p.action.due})` : ''}, expected value ${p.action.expectedValue.toFixed(2)}`,
        `  why: ${p.action.reason}`,
      ]
      : ['  next action: none stored for this customer (run spiral actions again to include customers newer than the last run)']),
    ...(p.recommendations ? [`  recommendations: ${p.recommendations.map((r) => r.itemId).join(' ') || '(none for this customer)'}`] : []),
  ].join('\n');
}

export function registerCustomer(program: Command, out: (json: boolean) => Output): void {
  program
    .command('customer')
    .description('one customer\'s profile: facts, behaviours, segment, CLV and P(alive), network scores, experience, action, recommendations')
    .requiredOption('--db <location>', 'store: a DuckDB file, postgres://…, clickhouse://… or chdb:<dir>')
    .requiredOption('--id <customer_id>', 'the customer')
    .option('--json', 'print the profile as JSON on the last line of stdout')
    .addHelpText('after', `
Reads the tables spiral analyze / segments / actions wrote (and computes them first when they are missing).
Exit codes: 0 ok, 1 failed, 2 bad usage or an unknown customer.

Example:
  spiral customer --db shop.duckdb --id c000042`)
    .action(async (flags: { db: string; id: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const p = await withStore(flags.db, async (store) => {
        if (!(await tableExists(store, ACTIONS_TABLE))) await runSegmentsWithClv(store, { onProgress: (s) => o.info(s) }, []);
        try {
          return await customerProfile(store, flags.id);
        } catch (e) {
          if (e instanceof CustomerNotFoundError) throw new UsageError(`--id: ${e.message}`);
          throw e;
        }
      }, { ...nextActionStoreOptions(), anyEngine: true });
      o.result(p, profileSummary(p));
    });
}
