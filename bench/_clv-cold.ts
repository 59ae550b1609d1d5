/**
 * One BG/NBD fit in a fresh process, the first call of fitBgnbd in it (so V8 has compiled none of
 * the fit's code yet): node --import tsx bench/_clv-cold.ts <tuples-dir> (written by _clv-steps.ts).
 * Prints one JSON line: { seconds, cpuSeconds, logLikelihood }.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitBgnbd } from '../src/models/clv/bgnbd.js';

const dir = process.argv[2];
const load = (k: string): Float64Array => {
  const b = readFileSync(join(dir, `${k}.bin`));
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const tuples = { x: load('x'), t_x: load('t_x'), T: load('T'), count: load('count') };
const c0 = process.cpuUsage();
const t0 = performance.now();
const fit = fitBgnbd(tuples);
const seconds = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: (c.user + c.system) / 1e6, logLikelihood: fit.logLikelihood })}\n`);
