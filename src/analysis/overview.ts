/**
 * The data overview: customers, events by type and by week, time span, revenue, new customers per
 * week, repeat rate. Every number is one SQL aggregate inside the store; only small tables return.
 */
import type { Overview } from '../domain/result.js';
import type { Store } from '../store/types.js';
import { dialectOf } from '../sql/dialect.js';

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : d == null ? null : String(d));
const day = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

export async function computeOverview(store: Store): Promise<Overview> {
  // one text for every engine: the week start and the day of a timestamp come from the dialect
  const d = dialectOf(store);
  const [totals] = await store.query<{ events: number; customers: number; start: Date | null; end: Date | null }>(
    `SELECT count(*) AS events, count(DISTINCT customer_id) AS customers, min(ts) AS start, max(ts) AS "end" FROM events`,
  );
  const byType = await store.query<{ type: string; events: number; customers: number }>(
    `SELECT type, count(*) AS events, count(DISTINCT customer_id) AS customers FROM events GROUP BY type ORDER BY events DESC, type`,
  );
  const byWeek = await store.query<{ week: Date; type: string; events: number }>(
    `SELECT ${d.periodStart('week', 'ts')} AS week, type, count(*) AS events FROM events GROUP BY 1, 2 ORDER BY week, type`,
  );
  const newByWeek = await store.query<{ week: Date; customers: number }>(
    `SELECT ${d.periodStart('week', 'first_ts')} AS week, count(*) AS customers
     FROM (SELECT customer_id, min(ts) AS first_ts FROM events GROUP BY customer_id) AS firsts GROUP BY 1 ORDER BY week`,
  );
  const [money] = await store.query<{ purchases: number | null; returns: number | null }>(
    `SELECT sum(amount) FILTER (WHERE type = 'purchase') AS purchases,
            sum(abs(amount)) FILTER (WHERE type = 'return') AS returns FROM events`,
  );
  const [buyers] = await store.query<{ purchasers: number; repeaters: number; orders: number }>(
    `SELECT count(*) AS purchasers, count(*) FILTER (WHERE days > 1) AS repeaters, coalesce(sum(orders), 0) AS orders
     FROM (SELECT customer_id, count(DISTINCT ${d.toDate('ts')}) AS days, count(*) AS orders
           FROM events WHERE type = 'purchase' GROUP BY customer_id) AS buyers`,
  );
  const sources = await store.query<{ source: string | null; events: number }>(
    `SELECT source, count(*) AS events FROM events GROUP BY source ORDER BY events DESC, source`,
  );
  const start = totals.start, end = totals.end;
  const net = money.purchases === null && money.returns === null ? null : (money.purchases ?? 0) - (money.returns ?? 0);
  return {
    customers: totals.customers,
    events: totals.events,
    span: {
      start: iso(start),
      end: iso(end),
      days: start instanceof Date && end instanceof Date ? (end.getTime() - start.getTime()) / 86_400_000 : null,
    },
    eventsByType: byType,
    eventsByWeek: byWeek.map((r) => ({ week: day(r.week), type: r.type, events: r.events })),
    newCustomersByWeek: newByWeek.map((r) => ({ week: day(r.week), customers: r.customers })),
    revenue: {
      purchases: money.purchases,
      returns: money.returns,
      net,
      currencyNote: 'sums of the amount field as ingested; Spiral does not convert currencies',
    },
    purchasers: buyers.purchasers,
    repeatRate: buyers.purchasers > 0 ? buyers.repeaters / buyers.purchasers : null,
    ordersPerPurchaser: buyers.purchasers > 0 ? buyers.orders / buyers.purchasers : null,
    sources: sources.map((s) => ({ source: s.source ?? '(unknown)', events: s.events })),
  };
}
