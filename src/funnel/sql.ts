/**
 * The funnel statements whose SQL differs by engine (lists, structs and lambdas on DuckDB and
 * ClickHouse, arrays and window functions on Postgres), one module per engine:
 *
 *   DuckDB      src/sql/duckdb/funnel.ts
 *   PostgreSQL  src/sql/postgres/funnel.ts
 *   ClickHouse  src/sql/clickhouse/funnel.ts
 *
 * Everything else in src/funnel/ is one statement text for every engine, with the dialect's hooks
 * (src/sql/dialect.ts). Each piece returns rows of the same names and meaning on every engine.
 */
import type { Store } from '../store/types.js';
import { duckdbFunnel } from '../sql/duckdb/funnel.js';
import { postgresFunnel } from '../sql/postgres/funnel.js';
import { clickhouseFunnel } from '../sql/clickhouse/funnel.js';

export interface FunnelSql {
  /**
   * Aggregate over touch rows: `kind` of the latest touch (largest ts; at the same instant the kind
   * that sorts last, 'peer') among the rows where `filter` holds; NULL when none does.
   */
  latestKind(kind: string, ts: string, filter: string): string;
  /**
   * Rows (customer_id, ts, kind = 'peer'): a customer's first view of an item after a review of it
   * by someone else (the earliest review by another customer), from `events`.
   */
  reviewTouches(): string;
  /**
   * Rows (customer_id, path): from `touches` (a FROM … WHERE text giving rows t.customer_id, t.ts,
   * t.kind), each customer's touches in (ts, kind) order, repeats collapsed, the last `maxPath`
   * kinds joined by '>'.
   */
  touchPaths(touches: string, maxPath: number): string;
  /**
   * The SELECT of the journeys table (customer_id, pre, post): each customer's own steps (all types
   * but follow and exposure) in time order (a purchase first at the same instant, then event_id),
   * repeats collapsed, split at the first purchase; pre = the types before it, post = the types from
   * it on. `types` are the event types present (for engines that code steps as numbers).
   * Engines without NULL arrays (ClickHouse) hold post = [] for a customer who never bought.
   * `where`: a condition on the events' customer_id that limits the customers (a slice; 'TRUE' for all).
   */
  journeys(types: readonly string[], where: string): string;
  /** Customers who bought, in the journeys table. */
  bought(): string;
  /** The text '… > ' when pre is cut, then the last m − 1 steps of pre and 'purchase', joined by ' > '. */
  pathBefore(m: number): string;
  /** The first m steps of post joined by ' > ', then ' > …' when post is longer. */
  pathAfter(m: number): string;
  /**
   * Rows (position, step, next, customers) over every journey's first m steps (pre then 'purchase'
   * for buyers): next = the next step, NULL after a purchase, 'more…' when cut, 'drop-off' at the end.
   */
  links(journeys: string, m: number): string;
}

const BY_ENGINE = { duckdb: duckdbFunnel, postgres: postgresFunnel, clickhouse: clickhouseFunnel } as const;

export function funnelSql(store: Pick<Store, 'dialect'>): FunnelSql {
  return BY_ENGINE[store.dialect];
}
