import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, gamma, beta, poisson, normal, geometric, shuffle } from './random.js';

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

function draw(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

test('same seed gives the same stream, different seeds differ', () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const sa = draw(100, () => a.next()), sb = draw(100, () => b.next()), sc = draw(100, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  assert.ok(sa.every((u) => u >= 0 && u < 1));
});

test('uniform mean and variance within 5 standard errors', () => {
  const rng = createRng(1);
  const n = 200_000;
  const { mean, variance } = moments(draw(n, () => rng.next()));
  assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(variance - 1 / 12) < 0.002);
});

for (const [shape, rate] of [[0.243, 4.414], [2.5, 1], [15.44, 6.25]] as const) {
  test(`gamma(${shape}, ${rate}) has mean shape/rate and variance shape/rate^2`, () => {
    const rng = createRng(7);
    const n = 200_000;
    const { mean, variance } = moments(draw(n, () => gamma(rng, shape, rate)));
    const m = shape / rate, v = shape / rate ** 2;
    assert.ok(Math.abs(mean - m) < 5 * Math.sqrt(v / n), `mean ${mean} vs ${m}`);
    assert.ok(Math.abs(variance - v) / v < 0.05, `variance ${variance} vs ${v}`);
  });
}

test('beta(0.793, 2.426) mean a/(a+b)', () => {
  const rng = createRng(9);
  const n = 100_000;
  const a = 0.793, b = 2.426;
  const { mean } = moments(draw(n, () => beta(rng, a, b)));
  const v = (a * b) / ((a + b) ** 2 * (a + b + 1));
  assert.ok(Math.abs(mean - a / (a + b)) < 5 * Math.sqrt(v / n));
});

for (const lambda of [0.3, 4, 29.9, 30, 250]) {
  test(`poisson(${lambda}) mean and variance equal lambda`, () => {
    const rng = createRng(11);
    const n = 100_000;
    const xs = draw(n, () => poisson(rng, lambda));
    const { mean, variance } = moments(xs);
    assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0));
    assert.ok(Math.abs(mean - lambda) < 5 * Math.sqrt(lambda / n), `mean ${mean}`);
    assert.ok(Math.abs(variance - lambda) / lambda < 0.05, `variance ${variance}`);
  });
}

test('normal and geometric moments', () => {
  const rng = createRng(3);
  const n = 100_000;
  const z = moments(draw(n, () => normal(rng, 2, 3)));
  assert.ok(Math.abs(z.mean - 2) < 5 * 3 / Math.sqrt(n));
  assert.ok(Math.abs(z.variance - 9) / 9 < 0.03);
  const p = 0.2;
  const g = moments(draw(n, () => geometric(rng, p)));
  assert.ok(Math.abs(g.mean - (1 - p) / p) < 0.1);
});

test('shuffle is a permutation', () => {
  const rng = createRng(5);
  const a = Array.from({ length: 1000 }, (_, i) => i);
  const s = shuffle(rng, a.slice()) as number[];
  assert.notDeepEqual(s, a);
  assert.deepEqual([...s].sort((x, y) => x - y), a);
});
