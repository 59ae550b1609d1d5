/**
 * The CLI on Postgres and chdb: `--db` takes a location; a connection that fails (closed port,
 * wrong password) is one clear line naming the location without its password, exit 1; commands
 * not ported yet say so; ingest, overview, clv fit, recommend and replenish work end to end.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spiral } from '../helpers/cli.js';
import { scratchDir } from '../helpers/paths.js';
import { PG_PASSWORD, freePort, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { CDNOW_SAMPLE } from '../reference/cdnow.js';
import { resultDiffs } from './engines.js';

let pg: PostgresServer;
let scratch: { dir: string; cleanup: () => void };
before(async () => {
  scratch = scratchDir('spiral-engines-cli-');
  pg = await startPostgres();
  pg.createDatabase('shop');
});
after(() => {
  pg?.stop();
  scratch?.cleanup();
});

const FIT = ['clv', 'fit', '--model', 'bgnbd', '--unit', 'week', '--calibration-end', '1997-09-30', '--holdout-end', '1998-06-30', '--json'];

test('a wrong password is one line naming the location with the password redacted, exit 1', () => {
  const r = spiral(['clv', ...FIT.slice(1), '--db', pg.url('shop', 'not-the-password')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^spiral: cannot connect to Postgres at postgres:\/\/spiral:\*\*\*@127\.0\.0\.1:\d+\/shop: password authentication failed/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.ok(!r.stderr.includes('not-the-password') && !r.stdout.includes('not-the-password'));
  assert.equal(r.json<{ exitCode: number }>().exitCode, 1);
});

test('a closed port is one line naming the location, exit 1', async () => {
  const port = await freePort();
  const r = spiral(['overview', '--db', `postgres://spiral:${PG_PASSWORD}@127.0.0.1:${port}/shop`]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trim(), `spiral: cannot connect to Postgres at postgres://spiral:***@127.0.0.1:${port}/shop: connection refused (is the server running, and on that port?)`);
});

test('ingest, overview and clv fit on Postgres give the published CDNOW numbers', () => {
  const rejectFile = join(scratch.dir, 'pg.rejects.csv');
  const ing = spiral(['ingest', CDNOW_SAMPLE, '--mapping', 'cdnow_sample', '--db', pg.url('shop'), '--reject-file', rejectFile, '--json']);
  assert.equal(ing.code, 0, ing.stderr);
  const rep = ing.json<{ accepted: number; eventsInStore: number; db: string }>();
  assert.equal(rep.accepted, 6919);
  assert.equal(rep.eventsInStore, 6919);
  assert.ok(!rep.db.includes(PG_PASSWORD), 'the JSON names the store without its password');
  const ov = spiral(['overview', '--db', pg.url('shop'), '--json']);
  assert.equal(ov.code, 0, ov.stderr);
  assert.equal(ov.json<{ customers: number }>().customers, 2357);
  const fit = spiral([...FIT, '--db', pg.url('shop')]);
  assert.equal(fit.code, 0, fit.stderr);
  const f = fit.json<{ logLikelihood: number; holdout: { actual: number } }>();
  assert.equal(Math.round(f.logLikelihood * 100) / 100, -9582.43);
  assert.equal(f.holdout.actual, 1882);
  // the segments step runs there, scoring CLV first as on DuckDB: segment equity sums to customer equity
  const seg = spiral(['segments', '--db', pg.url('shop'), '--json']);
  assert.equal(seg.code, 0, seg.stderr);
  const sj = seg.json<{ segments: { size: number; equity: number | null }[]; customerEquity: number | null; warnings: { message: string }[] }>();
  assert.equal(sj.segments.reduce((a, x) => a + x.size, 0), 2357);
  assert.ok(sj.customerEquity !== null && sj.customerEquity > 0, JSON.stringify(sj.warnings));
  assert.ok(Math.abs(sj.segments.reduce((a, x) => a + (x.equity ?? 0), 0) - sj.customerEquity) <= 1e-6 * sj.customerEquity);
});

test('brand and funnel run on Postgres and match DuckDB; spiral analyze runs every section on Postgres', () => {
  const duck = join(scratch.dir, 'shop.duckdb');
  assert.equal(spiral(['ingest', CDNOW_SAMPLE, '--mapping', 'cdnow_sample', '--db', duck, '--reject-file', join(scratch.dir, 'duck.rejects.csv')]).code, 0);
  // the Postgres store has clv_scores from the segments run above (the brand section's CLV snapshot reads them): the same here
  assert.equal(spiral(['segments', '--db', duck, '--json']).code, 0);
  for (const cmd of ['brand', 'funnel']) {
    const r = spiral([cmd, '--db', pg.url('shop'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const d = spiral([cmd, '--db', duck, '--json']);
    // the brand's CLV snapshot sums clv_scores, whose fit on each engine agrees to about 1e-8: model tolerance there
    assert.deepEqual(resultDiffs(d.json(), r.json(), { isModel: (p) => p.startsWith('.clv.') }), [], `${cmd}: the same section as on DuckDB`);
  }
  const funnel = spiral(['funnel', '--db', pg.url('shop'), '--json']).json<{ customers: number; stages: { stage: string; reached: number }[] }>();
  assert.equal(funnel.customers, 2357);
  assert.equal(funnel.stages.find((s) => s.stage === 'action')?.reached, 2357, 'every CDNOW customer bought');
  const out = join(scratch.dir, 'result.json');
  const r = spiral(['analyze', '--db', pg.url('shop'), '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as Record<string, { status?: string } | undefined> & { store: { dialect: string } };
  assert.equal(result.store.dialect, 'postgres');
  for (const section of ['overview', 'clv', 'brand', 'funnel', 'behaviours', 'segments', 'experiences']) assert.ok(result[section], `${section} is in the result`);
  // the same sections as DuckDB's analysis of the same file (CDNOW has no peers: no network section on either)
  const duckOut = join(scratch.dir, 'result-duck.json');
  assert.equal(spiral(['analyze', '--db', duck, '--out', duckOut]).code, 0);
  const present = (x: Record<string, unknown>) => Object.keys(x).filter((k) => x[k] !== undefined && x[k] !== null).sort();
  assert.deepEqual(present(result), present(JSON.parse(readFileSync(duckOut, 'utf8')) as Record<string, unknown>));
});

test('chdb: ingest and clv fit through the CLI, the store kept in its folder between runs', () => {
  const db = `chdb:${join(scratch.dir, 'shop.chdb')}`;
  const ing = spiral(['ingest', CDNOW_SAMPLE, '--mapping', 'cdnow_sample', '--db', db, '--reject-file', join(scratch.dir, 'ch.rejects.csv'), '--json']);
  assert.equal(ing.code, 0, ing.stderr);
  assert.equal(ing.json<{ accepted: number }>().accepted, 6919);
  const fit = spiral([...FIT, '--db', db]);
  assert.equal(fit.code, 0, fit.stderr);
  assert.equal(Math.round(fit.json<{ logLikelihood: number }>().logLikelihood * 100) / 100, -9582.43);
  assert.equal(fit.json<{ holdout: { actual: number } }>().holdout.actual, 1882);
  // the network, actions and customer commands run there too (CDNOW has no peer events: no network, said so)
  const net = spiral(['network', '--db', db, '--json']);
  assert.equal(net.code, 0, net.stderr);
  assert.equal(net.json<{ network: null }>().network, null);
  const actions = spiral(['actions', '--db', db, '--out', join(scratch.dir, 'ch.actions.parquet'), '--json']);
  assert.equal(actions.code, 0, actions.stderr);
  assert.equal(actions.json<{ customers: number }>().customers, 2357);
  const one = spiral(['customer', '--db', db, '--id', '4', '--json']);
  assert.equal(one.code, 0, one.stderr);
});

test('an unknown URL scheme is bad usage (exit 2)', () => {
  const r = spiral(['overview', '--db', 'mysql://u:secret@host/db']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /unknown store location/);
  assert.ok(!r.stderr.includes('secret'));
});

const SCORE = ['clv', 'score', '--model', 'bgnbd', '--unit', 'week', '--calibration-end', '1997-09-30', '--horizon', '52', '--json'];

test('clv score on Postgres (CSV) and chdb (Parquet) scores the 2,357 customers with the customer equity of DuckDB; Parquet on Postgres is a usage error', () => {
  const duck = join(scratch.dir, 'score.duckdb');
  const chdb = `chdb:${join(scratch.dir, 'score.chdb')}`;
  for (const db of [duck, chdb]) assert.equal(spiral(['ingest', CDNOW_SAMPLE, '--mapping', 'cdnow_sample', '--db', db, '--reject-file', join(scratch.dir, 'score.rejects.csv')]).code, 0);
  spiral(['ingest', CDNOW_SAMPLE, '--mapping', 'cdnow_sample', '--db', pg.url('shop'), '--reject-file', join(scratch.dir, 'score.rejects.csv')]);
  type Score = { scored: number; customerEquity: number; logLikelihood: number };
  const base = spiral([...SCORE, '--db', duck, '--out', join(scratch.dir, 'duck.csv')]);
  assert.equal(base.code, 0, base.stderr);
  for (const [db, out] of [[pg.url('shop'), 'pg.csv'], [chdb, 'ch.parquet']]) {
    const r = spiral([...SCORE, '--db', db, '--out', join(scratch.dir, out)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json<Score>().scored, 2357, db);
    assert.equal(Math.round(r.json<Score>().logLikelihood * 100) / 100, -9582.43, db);
    const a = r.json<Score>().customerEquity, b = base.json<Score>().customerEquity;
    assert.ok(Math.abs(a - b) <= 1e-6 * b, `${db}: equity ${a} vs ${b}`);
    assert.ok(statSync(join(scratch.dir, out)).size > 1000, `${out} written`);
  }
  assert.equal(readFileSync(join(scratch.dir, 'pg.csv'), 'utf8').trim().split('\n').length, 2358, 'a header and one line per customer');
  const bad = spiral([...SCORE, '--db', pg.url('shop'), '--out', join(scratch.dir, 'pg.parquet')]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /Parquet is written from DuckDB and chdb stores only/);
});

test('experiment readout runs on Postgres: an experiment the log does not have is bad usage (exit 2), not "not yet available"', () => {
  const r = spiral(['experiment', 'readout', '--db', pg.url('shop'), '--experiment', 'spring']);
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /not yet available/);
  assert.match(r.stderr, /spring/);
});

test('recommend and replenish run on Postgres: CDNOW has no item ids (bad input, exit 2), and its repeat buyers get a replenishment table', () => {
  const rec = spiral(['recommend', '--db', pg.url('shop'), '--json']);
  assert.equal(rec.code, 2, rec.stderr);
  assert.doesNotMatch(rec.stderr, /not yet available/);
  assert.match(rec.stderr, /no items/);
  const rep = spiral(['replenish', '--db', pg.url('shop'), '--json']);
  assert.equal(rep.code, 0, rep.stderr);
  const s = rep.json<{ table: string; level: string; pairs: number }>();
  assert.equal(s.table, 'replenishment');
  assert.equal(s.level, 'customer');
  assert.ok(s.pairs > 500, `pairs ${s.pairs}`);
});
