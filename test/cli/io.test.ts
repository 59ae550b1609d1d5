/** The CLI's number formatting: fmtInt groups whole numbers itself and must write what toLocaleString('en-US') writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmtInt } from '../../src/cli/io.js';

test('fmtInt writes every number as toLocaleString("en-US") does', () => {
  const values = [
    0, -0, 1, -1, 7, 12, 999, 1000, -1000, 9999, 10_000, 99_999, 100_000, 123_456, 999_999, 1_000_000, -1_234_567,
    10_846_812, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1e21,
    1.5, -2.25, 1234.5678, 0.0004, NaN, Infinity, -Infinity,
  ];
  for (let k = 1; k < 1e15; k *= 7) values.push(k, -k, k + 0.5);
  for (const v of values) assert.equal(fmtInt(v), v.toLocaleString('en-US'), `fmtInt(${Object.is(v, -0) ? '-0' : v})`);
});
