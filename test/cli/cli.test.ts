/**
 * The `spiral` command as a user runs it: --help, ingest with --json and exit codes, simulate →
 * ingest → analyze → report.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnalysisResultSchema } from '../../src/domain/result.js';
import { sharedData, scratchDir } from '../helpers/paths.js';
import { spiral } from '../helpers/cli.js';

const scratch = scratchDir('spiral-cli-');
after(() => scratch.cleanup());

test('spiral --help lists the commands and exits 0; an unknown command exits 2', () => {
  const help = spiral(['--help']);
  assert.equal(help.code, 0);
  for (const cmd of ['ingest', 'simulate', 'analyze', 'report', 'demo']) assert.match(help.stdout, new RegExp(`\\b${cmd}\\b`));
  const bad = spiral(['frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown command/);
});

test('ingest --json: the last stdout line is the summary; a second run adds nothing', () => {
  const db = join(scratch.dir, 'cdnow.duckdb');
  const args = ['ingest', sharedData('cdnow', 'cdnow_master.csv'), '--mapping', 'cdnow_master', '--db', db, '--json'];
  const first = spiral(args);
  assert.equal(first.code, 0, first.stderr);
  const s1 = first.json<{ accepted: number; rejected: number; duplicates: number; rejectFile: string | null }>();
  assert.deepEqual([s1.accepted, s1.rejected, s1.duplicates, s1.rejectFile], [69_659, 0, 0, null]);
  const second = spiral(args);
  assert.equal(second.code, 0, second.stderr);
  const s2 = second.json<{ accepted: number; duplicates: number }>();
  assert.deepEqual([s2.accepted, s2.duplicates], [0, 69_659]);
});

test('ingest with rejects exits 0, names the reject file, and exits 1 above --max-reject-rate', () => {
  const file = join(scratch.dir, 'bad.csv');
  writeFileSync(file, 'customer_id,date,quantity,amount_usd\n1,1997-01-01,1,10\n2,not-a-date,1,10\n3,1997-01-03,1,10\n');
  const db = join(scratch.dir, 'bad.duckdb');
  const rejectFile = join(scratch.dir, 'bad-rejects.csv');
  const ok = spiral(['ingest', file, '--mapping', 'cdnow_master', '--db', db, '--reject-file', rejectFile, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  const s = ok.json<{ accepted: number; rejected: number; rejectFile: string }>();
  assert.deepEqual([s.accepted, s.rejected, s.rejectFile], [2, 1, rejectFile]);
  assert.equal(readFileSync(rejectFile, 'utf8'), 'source,line,reason,raw\nbad.csv,3,"ts ""not-a-date"" is not an ISO 8601 date","2,not-a-date,1,10"\n');
  const over = spiral(['ingest', file, '--mapping', 'cdnow_master', '--db', join(scratch.dir, 'bad2.duckdb'), '--reject-file', rejectFile, '--max-reject-rate', '0.2', '--json']);
  assert.equal(over.code, 1);
  assert.match(over.stderr, /above --max-reject-rate 0\.2/);
  assert.equal(over.json<{ rejected: number }>().rejected, 1, 'the summary is still the last line');
});

test('a mapping error exits 2 with a message that names the field', () => {
  const mapping = join(scratch.dir, 'm.json');
  writeFileSync(mapping, JSON.stringify({ name: 'm', fields: { ts: 'date', type: { const: 'purchase' } } }));
  const r = spiral(['ingest', sharedData('cdnow', 'cdnow_master.csv'), '--mapping', mapping, '--db', join(scratch.dir, 'm.duckdb')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /fields\.customer_id: fields\.customer_id is required/);
  writeFileSync(mapping, JSON.stringify({ name: 'm', fields: { customer_id: 'cust', ts: 'date', type: { const: 'purchase' } } }));
  const r2 = spiral(['ingest', sharedData('cdnow', 'cdnow_master.csv'), '--mapping', mapping, '--db', join(scratch.dir, 'm.duckdb')]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /fields\.customer_id: column "cust" is not in cdnow_master\.csv/);
  writeFileSync(mapping, JSON.stringify({ name: 'm', fields: { customer_id: 'customer_id', ts: 'date', type: { const: 'purchased' } } }));
  const r3 = spiral(['ingest', sharedData('cdnow', 'cdnow_master.csv'), '--mapping', mapping, '--db', join(scratch.dir, 'm.duckdb')]);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /fields\.type: "purchased" is not an event type/);
  const r4 = spiral(['ingest', join(scratch.dir, 'missing.csv'), '--mapping', 'cdnow_master', '--db', join(scratch.dir, 'm.duckdb')]);
  assert.equal(r4.code, 2);
  assert.match(r4.stderr, /missing\.csv: no such file/);
});

test('simulate → ingest → analyze → report: a valid, versioned result and a self-contained report', () => {
  const events = join(scratch.dir, 'sim.csv');
  const sim = spiral(['simulate', '--customers', '2000', '--seed', '3', '--out', events, '--json']);
  assert.equal(sim.code, 0, sim.stderr);
  const s = sim.json<{ events: number; truthPath: string }>();
  assert.ok(existsSync(s.truthPath));
  const db = join(scratch.dir, 'sim.duckdb');
  const ing = spiral(['ingest', events, '--mapping', 'simulated', '--db', db, '--json']);
  assert.equal(ing.code, 0, ing.stderr);
  assert.equal(ing.json<{ accepted: number }>().accepted, s.events);
  const resultPath = join(scratch.dir, 'result.json');
  const reportPath = join(scratch.dir, 'report.html');
  const an = spiral(['analyze', '--db', db, '--out', resultPath, '--report', reportPath, '--json']);
  assert.equal(an.code, 0, an.stderr);
  const result = AnalysisResultSchema.parse(JSON.parse(readFileSync(resultPath, 'utf8')));
  assert.equal(result.overview.events, s.events);
  const html = readFileSync(reportPath, 'utf8');
  assert.ok(html.startsWith('<!doctype html>') || html.startsWith('<!DOCTYPE html>'));
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href="http/i);
  const rep = spiral(['report', '--result', resultPath, '--out', join(scratch.dir, 'r2.html')]);
  assert.equal(rep.code, 0, rep.stderr);
  const both = spiral(['report', '--out', join(scratch.dir, 'r3.html')]);
  assert.equal(both.code, 2);
});
