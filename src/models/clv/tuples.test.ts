import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexDistinct, subsampleColumns, systematicSample } from './tuples.js';
import { InvalidArgumentsError } from '../numeric/errors.js';
import { createRng } from '../numeric/random.js';

function check(v: Float64Array, sorted: boolean): void {
  const { values, index } = indexDistinct(v, sorted);
  assert.equal(index.length, v.length);
  for (let i = 0; i < v.length; i++) assert.ok(values[index[i]] === v[i], `row ${i}: ${values[index[i]]} vs ${v[i]}`);
  assert.equal(new Set(values).size, values.length, 'values are distinct');
  if (sorted) for (let k = 1; k < values.length; k++) assert.ok(values[k - 1] < values[k]);
}

test('indexDistinct maps every row to its value: dense integers, fractions, negatives, runs, many distinct values', () => {
  const rng = createRng(3);
  check(Float64Array.from([3, 0, 3, 7, 1]), true);
  const weeks = Float64Array.from({ length: 50_000 }, () => Math.floor(rng.next() * 728) / 7);
  check(weeks, true);
  check(weeks, false);
  // Enough distinct values to grow the hash table several times, in runs and not.
  const many = Float64Array.from({ length: 40_000 }, (_, i) => (i % 3 === 0 ? -i : i + 0.5) / 3);
  check(many, true);
  check(Float64Array.from(many).sort(), false);
  // Integers beyond the dense range and 0 / −0 (one value).
  const { values, index } = indexDistinct(Float64Array.from([2e6, 0, -0, 2e6, 5]), false);
  assert.equal(values.length, 3);
  assert.equal(index[1], index[2]);
  assert.throws(() => indexDistinct(Float64Array.from([0.5, NaN])), InvalidArgumentsError);
});

test('systematicSample keeps about target customers, ⌊c·target/N⌋ or one more from each row, reproducibly', () => {
  const rng = createRng(9);
  const count = Float64Array.from({ length: 30_000 }, () => 1 + Math.floor(rng.next() * 60));
  const N = count.reduce((a, b) => a + b, 0);
  const target = 20_000;
  const a = systematicSample(count, target, 1);
  const total = a.counts.reduce((s, c) => s + c, 0);
  assert.ok(Math.abs(total - target) <= 1, `${total}`);
  for (let m = 0; m < a.keep.length; m++) {
    const expected = (count[a.keep[m]] * target) / N;
    assert.ok(a.counts[m] >= Math.floor(expected) && a.counts[m] <= Math.floor(expected) + 1, `row ${a.keep[m]}: ${a.counts[m]} vs ${expected}`);
    if (m > 0) assert.ok(a.keep[m] > a.keep[m - 1]);
  }
  const b = systematicSample(count, target, 1);
  assert.deepEqual(b.keep, a.keep);
  const c = systematicSample(count, target, 2);
  assert.notDeepEqual(c.keep, a.keep);
  // A target above N keeps everyone.
  const all = systematicSample(count, 2 * N, 1);
  assert.equal(all.keep.length, count.length);
  assert.deepEqual(all.counts, count);
});

test("subsampleColumns carries each kept row's other columns with its sampled count", () => {
  const cols = { x: Float64Array.from([1, 2, 3, 4]), count: Float64Array.from([10, 0, 30, 60]) };
  const sub = subsampleColumns(cols, ['x', 'count'], 10, 4);
  assert.equal(sub.count.reduce((s, c) => s + c, 0), 10);
  assert.ok(!sub.x.includes(2), 'a row with count 0 is never kept');
  assert.deepEqual(Array.from(sub.x), [1, 3, 4].filter((x) => sub.x.includes(x)));
  const per = new Map(Array.from(sub.x, (x, i) => [x, sub.count[i]]));
  assert.ok((per.get(4) ?? 0) === 6);
  assert.ok((per.get(3) ?? 0) === 3);
});
