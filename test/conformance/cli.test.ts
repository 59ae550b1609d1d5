/**
 * The CLI on Postgres and chdb: `--db` takes a location; a connection that fails (closed port,
 * wrong password) is one clear line naming the location without its password, exit 1; commands
 * not ported yet say so; ingest, overview and clv fit work end to end.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spiral } from '../helpers/cli.js';
import { scratchDir } from '../helpers/paths.js';
import { PG_PASSWORD, freePort, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { CDNOW_SAMPLE } from '../reference/cdnow.js';

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
  // the segments step runs there (CLV scores are DuckDB-only so far: said in a warning)
  const seg = spiral(['segments', '--db', pg.url('shop'), '--json']);
  assert.equal(seg.code, 0, seg.stderr);
  const sj = seg.json<{ segments: { size: number }[]; warnings: { message: string }[] }>();
  assert.equal(sj.segments.reduce((a, x) => a + x.size, 0), 2357);
  assert.ok(sj.warnings.some((w) => /CLV scores are not yet available on Postgres/.test(w.message)), JSON.stringify(sj.warnings));
});

test('brand and funnel run on Postgres and match DuckDB; analyze runs them, then stops at the first step not ported, exit 1', () => {
  const duck = join(scratch.dir, 'shop.duckdb');
  assert.equal(spiral(['ingest', CDNOW_SAMPLE, '--mapping', 'cdnow_sample', '--db', duck, '--reject-file', join(scratch.dir, 'duck.rejects.csv')]).code, 0);
  for (const cmd of ['brand', 'funnel']) {
    const r = spiral([cmd, '--db', pg.url('shop'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const d = spiral([cmd, '--db', duck, '--json']);
    assert.deepEqual(r.json(), d.json(), `${cmd}: the same section as on DuckDB`);
  }
  const funnel = spiral(['funnel', '--db', pg.url('shop'), '--json']).json<{ customers: number; stages: { stage: string; reached: number }[] }>();
  assert.equal(funnel.customers, 2357);
  assert.equal(funnel.stages.find((s) => s.stage === 'action')?.reached, 2357, 'every CDNOW customer bought');
  const r = spiral(['analyze', '--db', pg.url('shop'), '--out', join(scratch.dir, 'result.json')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /brand/);
  assert.match(r.stderr, /funnel/);
  assert.match(r.stderr.trim().split('\n').at(-1)!, /^spiral: the analysis after the overview, brand, funnel, network and segments \(CLV scores, experiments, strategy\) is not yet available on Postgres: it still runs on DuckDB only/);
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
