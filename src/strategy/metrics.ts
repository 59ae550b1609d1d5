/**
 * Traceable numbers: every number in a strategy plan is a Metric that names the fields of the
 * analysis result it comes from (`overview.repeatRate`, `clv.equity.customerEquity`, …) and, when it
 * is derived, the formula over them. A reader (or a test) can recompute it from the result; a
 * missing input gives null with the reason, never NaN.
 */
import type { AnalysisResult } from '../domain/result.js';
import type { Metric } from './plan.js';

/** The value at a dotted path; `[k=v]` selects the array element whose k is v (`overview.eventsByType[type=share].customers`). */
export function fieldAt(result: AnalysisResult, path: string): unknown {
  let cur: unknown = result;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    const m = /^([A-Za-z0-9_]+)\[([A-Za-z0-9_]+)=([^\]]*)\]$/.exec(part);
    if (m) {
      const arr = (cur as Record<string, unknown>)[m[1]];
      if (!Array.isArray(arr)) return undefined;
      cur = arr.find((x) => x !== null && typeof x === 'object' && String((x as Record<string, unknown>)[m[2]]) === m[3]);
    } else {
      cur = (cur as Record<string, unknown>)[part];
    }
  }
  return cur;
}

/** A number read from one field; null with `reason` when absent or not finite. */
export function fieldMetric(result: AnalysisResult, path: string, label: string, reason: string): Metric {
  const v = fieldAt(result, path);
  const ok = typeof v === 'number' && Number.isFinite(v);
  return { label, value: ok ? v : null, formula: path, inputs: [{ path, value: ok ? v : null }], reason: ok ? null : reason };
}

/**
 * A derived number: `compute` gets the inputs' values (all present and finite) and may return null;
 * `formula` states the arithmetic with the paths.
 */
export function derivedMetric(
  result: AnalysisResult,
  label: string,
  paths: readonly string[],
  formula: string,
  compute: (...values: number[]) => number | null,
  reason: string,
): Metric {
  const values = paths.map((p) => fieldAt(result, p));
  const inputs = paths.map((path, i) => ({ path, value: typeof values[i] === 'number' && Number.isFinite(values[i]) ? (values[i] as number) : null }));
  if (inputs.some((x) => x.value === null)) return { label, value: null, formula, inputs, reason };
  const v = compute(...inputs.map((x) => x.value as number));
  const ok = v !== null && Number.isFinite(v);
  return { label, value: ok ? v : null, formula, inputs, reason: ok ? null : reason };
}

/** A number the plan computed itself (a sample size, a target) from other metrics: its inputs are those metrics' paths. */
export function computedMetric(label: string, value: number | null, formula: string, inputs: Metric['inputs'], reason: string): Metric {
  const ok = value !== null && Number.isFinite(value);
  return { label, value: ok ? value : null, formula, inputs, reason: ok ? null : reason };
}
