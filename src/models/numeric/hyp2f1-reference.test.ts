/**
 * 2F1 against an independent arbitrary-precision reference: the defining series (A&S 15.1.1)
 * summed exactly in BigInt fixed point (60 decimal digits) from the parameters' decimal strings,
 * over the ranges the CLV models reach — Pareto/NBD's 2F1(ρ, b; ρ+1; z) with s and β running off
 * along the no-dropout ridge (z → 1, parameters in the tens of thousands), BG/NBD's
 * 2F1(a+b−1−r, a−1; a+b+x−1; z) with a and b in the hundreds of thousands, and c − a − b at and
 * near integers (where the 1 − z connection formula has cancelling poles).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hyp2f1, logHyp2f1, logHyp2f1WithGrad } from './special.js';

const DIGITS = 60n;
const SCALE = 10n ** DIGITS;

/** A decimal string as an exact fraction n / 10^d. */
function decimal(s: string): { n: bigint; d: bigint } {
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const n = BigInt(int + frac) * (neg ? -1n : 1n);
  return { n, d: 10n ** BigInt(frac.length) };
}

/**
 * log 2F1(a,b;c;z) by the series in exact fixed point. All decimals are brought to one
 * denominator D; term_{k+1} = term_k (a+k)(b+k) z / ((c+k)(k+1)). Stops when the tail bound
 * term · ρ/(1−ρ), ρ = max(current ratio, z), is below 10^-25 of the sum (positive terms only).
 */
function referenceLog(as: string, bs: string, cs: string, zs: string): number {
  const r = referenceSigned(as, bs, cs, zs);
  assert.equal(r.sign, 1, 'reference sum must be positive');
  return r.log;
}

/** The reference as sign · e^log (terms of one sign after the first few, as in every case here). */
function referenceSigned(as: string, bs: string, cs: string, zs: string): { log: number; sign: number } {
  const [a, b, c, z] = [as, bs, cs, zs].map(decimal);
  const D = [a.d, b.d, c.d, z.d].reduce((m, d) => (d > m ? d : m), 1n);
  const A = (a.n * D) / a.d, B = (b.n * D) / b.d, C = (c.n * D) / c.d, Z = (z.n * D) / z.d;
  let term = SCALE, sum = SCALE;
  const zf = Number(zs);
  for (let k = 0n; k < 3_000_000n; k++) {
    const num = (A + k * D) * (B + k * D) * Z;
    const den = (C + k * D) * (k + 1n) * D * D;
    term = (term * num) / den;
    sum += term;
    const ratio = Number(((A + (k + 1n) * D) * (B + (k + 1n) * D) * Z * 1_000_000n) / ((C + (k + 1n) * D) * (k + 2n) * D * D)) / 1e6;
    const rho = Math.max(ratio, zf);
    const abs = (v: bigint): bigint => (v < 0n ? -v : v);
    if (k > 5n && rho < 1 && Number(abs(term)) * (rho / (1 - rho)) * 1e25 < Number(abs(sum))) break;
    if (term === 0n) break;
  }
  const sign = sum > 0n ? 1 : -1;
  const digits = (sum > 0n ? sum : -sum).toString();
  const lead = Number(digits.slice(0, 17));
  return { sign, log: Math.log(lead) + (digits.length - 17 - Number(DIGITS)) * Math.LN10 };
}

function checkLog(a: string, b: string, c: string, z: string, tol = 1e-10): void {
  const ref = referenceLog(a, b, c, z);
  const got = logHyp2f1(Number(a), Number(b), Number(c), Number(z));
  // |Δ log| <= tol is a relative error of at most ~tol in 2F1.
  assert.ok(Math.abs(got - ref) <= tol, `log 2F1(${a}, ${b}; ${c}; ${z}) = ${got}, reference ${ref} (Δ ${got - ref})`);
}

test('2F1 at the call in issue #15 (Pareto/NBD on the ridge): hyp2f1(1, 57271.68; 57272.78; 0.99987) to 1e-10 relative', () => {
  const ref = referenceLog('1', '57271.68', '57272.78', '0.99987');
  const got = hyp2f1(1, 57271.68, 57272.78, 0.99987);
  assert.ok(Number.isFinite(got));
  assert.ok(Math.abs(Math.log(got) - ref) <= 1e-10, `${got} vs exp(${ref})`);
  checkLog('1', '57271.68', '57272.78', '0.99987');
});

test('2F1 on Pareto/NBD ridge forms 2F1(ρ, b; ρ+1; z), z up to 0.9999, parameters to 5·10^4, to 1e-10 relative', () => {
  // (r + x, s) pairs and ends: ρ = r + s + x; the α < β form 2F1(ρ, r+x; ρ+1; (β−α)/(β+t)).
  for (const [rx, s] of [['1.1', '57270.68'], ['0.35', '1200.5'], ['7.35', '20000.25'], ['41.2', '3000.5']] as const) {
    for (const z of ['0.95', '0.999', '0.9999']) {
      const rho = (Number(rx) + Number(s)).toFixed(2);
      const c = (Number(rho) + 1).toFixed(2);
      checkLog(rho, rx, c, z);
    }
  }
});

test('2F1 near z = 1 with c − a − b at or near an integer (cancelling poles), to 1e-10 relative', () => {
  checkLog('1', '2.5', '3.5', '0.9995'); // m = 0
  checkLog('1', '2.5', '4.5', '0.9995'); // m = 1
  checkLog('0.5', '1.25', '3.7504', '0.99995'); // m = 2.0004
  checkLog('1', '300.25', '301.2502', '0.9999'); // m = −0.9998 (c − a − b near −1)
  checkLog('2.5', '1000.5', '1003', '0.9998'); // m = 0 with a large b
});

test('2F1 near z = 1 where no numerator parameter lies in (0, c): the 1 − z connection formula, also at an integer c − a − b', () => {
  for (const [a, b, c, z] of [['-0.5', '2.5', '1.2', '0.9995'], ['-0.5', '2.5', '2', '0.9995'], ['-1.25', '3.5', '3.25', '0.9999'], ['-0.3', '4.1', '2.7999', '0.9998']] as const) {
    const ref = referenceSigned(a, b, c, z);
    const got = hyp2f1(Number(a), Number(b), Number(c), Number(z));
    assert.equal(Math.sign(got), ref.sign, `sign of 2F1(${a}, ${b}; ${c}; ${z})`);
    assert.ok(Math.abs(Math.log(Math.abs(got)) - ref.log) <= 1e-10, `2F1(${a}, ${b}; ${c}; ${z}) = ${got}, reference ${ref.sign * Math.exp(ref.log)}`);
  }
});

test('2F1 with BG/NBD boundary parameters (a, b in the hundreds of thousands, terms near e^2500) to 1e-10 relative', () => {
  // 2F1(a+b−1−r, a−1; a+b+x−1; z) at a = 3·10^5, b = 3.6·10^6, r = 107, x = 12, z = t/(α+T+t) = 26/3037.
  checkLog('3899892', '299999', '3900011', '0.00856108', 2e-10);
  checkLog('30107', '2999', '30126', '0.05', 1e-10);
});

test('log 2F1 derivatives on the 1 − z path agree with differences of the reference', () => {
  const [a, b, c, z] = [57271.78, 1.1, 57272.78, 0.99987];
  const g = logHyp2f1WithGrad(a, b, c, z);
  const h = 1e-4;
  const db = (referenceLog('57271.78', '1.1001', '57272.78', '0.99987') - referenceLog('57271.78', '1.0999', '57272.78', '0.99987')) / (2 * h);
  assert.ok(Math.abs(g.db - db) <= 1e-5 * Math.max(1, Math.abs(db)), `d/db ${g.db} vs ${db}`);
  assert.ok(Math.abs(g.value - referenceLog('57271.78', '1.1', '57272.78', '0.99987')) <= 1e-10);
  // All four derivatives against central differences of the value (a and c move together so that
  // c − a stays > 0; z within the near-1 path).
  const f = (da: number, db2: number, dc: number, dz: number): number => logHyp2f1(a + da, b + db2, c + dc, z + dz);
  const e = 1e-5, ez = 1e-9;
  const num = {
    da: (f(e, 0, 0, 0) - f(-e, 0, 0, 0)) / (2 * e),
    dc: (f(0, 0, e, 0) - f(0, 0, -e, 0)) / (2 * e),
    dz: (f(0, 0, 0, ez) - f(0, 0, 0, -ez)) / (2 * ez),
  };
  for (const k of ['da', 'dc', 'dz'] as const) {
    assert.ok(Math.abs(g[k] - num[k]) <= 1e-4 * Math.max(1, Math.abs(num[k])), `${k}: ${g[k]} vs ${num[k]}`);
  }
});
