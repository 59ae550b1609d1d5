/**
 * Crash-safety harness (issue 17.1): runs an ingest in a child process that kills itself
 * (SIGKILL) right after statement k, for k = 1, 2, … until a run completes, and after each crash
 * checks the store: it opens, holds the previous count or the full count (never between, never
 * more), no event id twice, provenance (Σ ingests.accepted) equal to the events; then a re-run in
 * this process completes to the exact count with matching provenance.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mapping } from '../../src/domain/mapping.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { duplicateEventIds } from '../../src/ingest/insert.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { CRASH_AFTER_ENV } from '../../src/store/crash-hook.js';
import { REPO_ROOT } from './paths.js';

export interface StoreState {
  events: number;
  duplicateIds: number;
  provenanceAccepted: number;
  ingestRows: number;
}

export async function storeState(db: string): Promise<StoreState> {
  const store = await DuckDbStore.open(db, { threads: 1 });
  try {
    const [{ events }] = await store.query<{ events: number }>('SELECT count(*) AS events FROM events');
    const [{ accepted, n }] = await store.query<{ accepted: number | null; n: number }>('SELECT sum(accepted) AS accepted, count(*) AS n FROM ingests');
    return { events, duplicateIds: await duplicateEventIds(store), provenanceAccepted: Number(accepted ?? 0), ingestRows: n };
  } finally {
    await store.close();
  }
}

export async function ingestInProcess(db: string, files: string[], mapping: Mapping, rejectFile: string): Promise<void> {
  const store = await DuckDbStore.open(db, { threads: 1 });
  try {
    await ingestFiles(store, files, mapping, { rejectFile });
  } finally {
    await store.close();
  }
}

function removeStore(db: string): void {
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
}

/** Copies a closed store (its file and WAL if any) to `to`. */
function copyStore(from: string, to: string): void {
  removeStore(to);
  copyFileSync(from, to);
  if (existsSync(`${from}.wal`)) copyFileSync(`${from}.wal`, `${to}.wal`);
}

const WORKER = join(REPO_ROOT, 'test', 'ingest', 'crash-worker.ts');

/**
 * The child's command line. The worker is bundled once with esbuild (tsx's own compiler) into
 * node_modules/.cache, so a crash run starts in 0.75 s instead of 1.8 s through the tsx loader.
 */
async function workerCommand(): Promise<string[]> {
  const out = join(REPO_ROOT, 'node_modules', '.cache', `spiral-crash-worker-${process.pid}.mjs`);
  try {
    const esbuild = await import('esbuild');
    await esbuild.build({ entryPoints: [WORKER], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: out, logLevel: 'silent' });
    process.once('exit', () => rmSync(out, { force: true }));
    return [out];
  } catch {
    return ['--import', 'tsx', WORKER];
  }
}

export interface CrashScenario {
  dir: string;
  mapping: Mapping;
  /** Files ingested (completely) before the crashed run; [] for a first ingest into a new store. */
  before: string[];
  /** Files of the crashed run. */
  files: string[];
  /** Events in the store after `before`, and after `files` too. */
  previous: number;
  full: number;
}

/** Returns the number of statement boundaries crashed at (the run after the last one completed). */
export async function crashAtEveryStatement(s: CrashScenario): Promise<number> {
  const mappingPath = join(s.dir, 'mapping.json');
  writeFileSync(mappingPath, JSON.stringify(s.mapping));
  const template = join(s.dir, 'template.duckdb');
  const work = join(s.dir, 'work.duckdb');
  const rejects = join(s.dir, 'rejects.csv');
  removeStore(template);
  if (s.before.length) await ingestInProcess(template, s.before, s.mapping, rejects);
  else await (await DuckDbStore.open(template)).close();
  const start = await storeState(template);
  assert.equal(start.events, s.previous, 'the store before the crashed run');
  const worker = await workerCommand();
  for (let k = 1; k < 200; k++) {
    copyStore(template, work);
    const r = spawnSync(
      process.execPath,
      [...worker, work, mappingPath, rejects, ...s.files],
      { encoding: 'utf8', env: { ...process.env, [CRASH_AFTER_ENV]: String(k) }, timeout: 60_000 },
    );
    const after = await storeState(work);
    const where = `crash after statement ${k}`;
    assert.equal(after.duplicateIds, 0, `${where}: an event id is stored twice`);
    assert.equal(after.provenanceAccepted, after.events, `${where}: provenance (Σ ingests.accepted) disagrees with the events`);
    if (r.status === 0) {
      assert.equal(after.events, s.full, 'the run that completed');
      assert.equal(after.ingestRows, start.ingestRows + s.files.length, 'one provenance row per file of the completed run');
      return k - 1;
    }
    assert.equal(r.signal, 'SIGKILL', `${where}: the child failed instead of crashing: ${r.stderr}`);
    assert.ok(after.events === s.previous || after.events === s.full, `${where}: ${after.events} events, expected ${s.previous} or ${s.full}`);
    await ingestInProcess(work, s.files, s.mapping, rejects);
    const rerun = await storeState(work);
    assert.deepEqual(
      [rerun.events, rerun.duplicateIds, rerun.provenanceAccepted],
      [s.full, 0, s.full],
      `${where}: the re-run (events, duplicate ids, provenance)`,
    );
  }
  throw new Error('the ingest never completed');
}
