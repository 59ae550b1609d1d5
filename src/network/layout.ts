/**
 * Positions for drawing a small graph (the report's top of the network): Fruchterman & Reingold
 * (1991), "Graph drawing by force-directed placement", Software: Practice and Experience 21(11):
 * repulsion k²/d between every pair, attraction d²/k along edges, a temperature that cools linearly.
 * O(iterations · n²): meant for a few hundred nodes, so the page gets fixed positions and the
 * browser does no layout work. Seeded start, so the same graph gives the same picture.
 */
import { createRng } from '../models/numeric/random.js';
import { InvalidArgumentsError } from './errors.js';

export interface LayoutOptions {
  iterations: number;
  seed: number;
  /** Side of the square the positions fall in. */
  size: number;
}

export const LAYOUT_DEFAULTS: LayoutOptions = { iterations: 200, seed: 1, size: 1000 };

/** x, y per node in [0, size]² for nodes 0 … n−1 and undirected edges (src[e], dst[e]). */
export function forceLayout(n: number, src: ArrayLike<number>, dst: ArrayLike<number>, options: Partial<LayoutOptions> = {}): { x: Float64Array; y: Float64Array } {
  const o = { ...LAYOUT_DEFAULTS, ...options };
  if (!(Number.isInteger(n) && n >= 0)) throw new InvalidArgumentsError(`forceLayout: n must be an integer >= 0, got ${n}`);
  if (n > 5000) throw new InvalidArgumentsError(`forceLayout: O(n²) per iteration; ${n} nodes is too many (at most 5000)`);
  if (src.length !== dst.length) throw new InvalidArgumentsError('forceLayout: src and dst differ in length');
  if (!(Number.isInteger(o.iterations) && o.iterations >= 0)) throw new InvalidArgumentsError(`forceLayout: iterations must be an integer >= 0, got ${o.iterations}`);
  const rng = createRng(o.seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.next() * o.size;
    y[i] = rng.next() * o.size;
  }
  if (n <= 1) {
    if (n === 1) (x[0] = o.size / 2), (y[0] = o.size / 2);
    return { x, y };
  }
  const k = Math.sqrt((o.size * o.size) / n);
  const k2 = k * k;
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  for (let it = 0; it < o.iterations; it++) {
    const temp = (o.size / 10) * (1 - it / o.iterations);
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let ddx = x[i] - x[j];
        let ddy = y[i] - y[j];
        let d2 = ddx * ddx + ddy * ddy;
        if (d2 < 1e-9) {
          ddx = 1e-3 * (i - j);
          ddy = 1e-3;
          d2 = ddx * ddx + ddy * ddy;
        }
        const f = k2 / d2; // (k²/d) along the unit vector = k²·Δ/d²
        dx[i] += ddx * f;
        dy[i] += ddy * f;
        dx[j] -= ddx * f;
        dy[j] -= ddy * f;
      }
    }
    for (let e = 0; e < src.length; e++) {
      const a = src[e];
      const b = dst[e];
      if (a === b) continue;
      const ddx = x[a] - x[b];
      const ddy = y[a] - y[b];
      const d = Math.sqrt(ddx * ddx + ddy * ddy) || 1e-9;
      const f = d / k; // (d²/k) along the unit vector = d·Δ/k
      dx[a] -= ddx * f;
      dy[a] -= ddy * f;
      dx[b] += ddx * f;
      dy[b] += ddy * f;
    }
    // Gravity toward the centre keeps disconnected pieces on the canvas.
    const c = o.size / 2;
    for (let i = 0; i < n; i++) {
      dx[i] -= (x[i] - c) * 0.01 * k / (o.size / 10);
      dy[i] -= (y[i] - c) * 0.01 * k / (o.size / 10);
      const d = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
      if (d > 0) {
        const step = Math.min(d, temp);
        x[i] += (dx[i] / d) * step;
        y[i] += (dy[i] / d) * step;
      }
    }
  }
  // Fit to [0, size]².
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, x[i]); maxX = Math.max(maxX, x[i]);
    minY = Math.min(minY, y[i]); maxY = Math.max(maxY, y[i]);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  for (let i = 0; i < n; i++) {
    x[i] = ((x[i] - minX) / span) * o.size;
    y[i] = ((y[i] - minY) / span) * o.size;
  }
  return { x, y };
}
