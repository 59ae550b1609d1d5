/**
 * Compares two analysis results field by field: `node --import tsx scripts/compare-results.ts a.json b.json [--ignore path]...`.
 * generatedAt is always left out. Prints each differing path with both values and exits 1 when any
 * differ (0 when the documents are the same). Used for issue 14's before/after check on the demo store.
 */
import { readFileSync } from 'node:fs';
import { diffFields } from '../test/helpers/result-diff.js';

const args = process.argv.slice(2);
const files = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--ignore');
const ignore = new Set(['$.generatedAt', ...args.filter((_, i) => args[i - 1] === '--ignore')]);
if (files.length !== 2) {
  console.error('usage: compare-results.ts a.json b.json [--ignore $.path]...');
  process.exit(2);
}
const [a, b] = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as unknown);
const diffs = diffFields(a, b, ignore);
const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? 'absent' : s.length > 120 ? `${s.slice(0, 117)}...` : s;
};
for (const d of diffs) console.log(`${d.path}: ${show(d.a)} → ${show(d.b)}`);
console.log(`${diffs.length} differing field(s); ignored: ${[...ignore].join(', ')}`);
process.exit(diffs.length ? 1 : 0);
