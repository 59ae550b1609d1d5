/**
 * The store's tables. `events` holds canonical events (src/domain/events.ts); `ingests` records
 * each ingest run so a report can say where the data came from.
 */
import type { Store } from './types.js';

export const EVENTS_DDL = `
CREATE TABLE IF NOT EXISTS events (
  event_id    VARCHAR NOT NULL,
  customer_id VARCHAR NOT NULL,
  ts          TIMESTAMP NOT NULL,
  type        VARCHAR NOT NULL,
  item_id     VARCHAR,
  amount      DOUBLE,
  quantity    DOUBLE,
  peer_id     VARCHAR,
  channel     VARCHAR,
  rating      DOUBLE,
  text        VARCHAR,
  props       JSON,
  source      VARCHAR
)`;

export const INGESTS_DDL = `
CREATE TABLE IF NOT EXISTS ingests (
  run_id      VARCHAR NOT NULL,
  source      VARCHAR NOT NULL,
  started_at  TIMESTAMP NOT NULL,
  accepted    BIGINT NOT NULL,
  rejected    BIGINT NOT NULL,
  duplicates  BIGINT NOT NULL
)`;

export async function ensureSchema(store: Store): Promise<void> {
  await store.exec(EVENTS_DDL);
  await store.exec(INGESTS_DDL);
}
