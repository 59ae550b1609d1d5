/**
 * A test hook for crash safety: with SPIRAL_TEST_CRASH_AFTER=k in the environment, the process
 * kills itself (SIGKILL: no cleanup, no checkpoint, like kill -9 or a power cut) right after the
 * k-th statement run through the returned store. Deterministic, so a test can crash a run at every
 * statement boundary in turn (test/ingest/crash.test.ts). Without the variable the store is
 * returned as it is.
 */
import type { Row, Store } from './types.js';

export const CRASH_AFTER_ENV = 'SPIRAL_TEST_CRASH_AFTER';

export function withCrashHook(store: Store, env: NodeJS.ProcessEnv = process.env): Store {
  const k = Number(env[CRASH_AFTER_ENV]);
  if (!Number.isInteger(k) || k < 1) return store;
  let done = 0;
  const boundary = () => {
    done += 1;
    if (done === k) process.kill(process.pid, 'SIGKILL');
  };
  return {
    dialect: store.dialect,
    location: store.location,
    async query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      const rows = await store.query<T>(sql, params);
      boundary();
      return rows;
    },
    async exec(sql: string): Promise<void> {
      await store.exec(sql);
      boundary();
    },
    close: () => store.close(),
  };
}
