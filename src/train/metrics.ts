// Error metrics recorded during training: the network against a known solution or data at
// given points, every `metricsEvery` steps and after the last one. Each metric records
// the relative L2 error ‖u − s‖₂ / ‖s‖₂ and the largest error max |u − s| over all its
// points and outputs.
import { checkInteger, checkKeys, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { checkPoints, copyPoints, type Points } from '../base/points.js';
import type { Mlp } from '../engine/mlp.js';

/** A metric: points and the solution there (a function of a point, or the values: N, or N × outputs, row-major). */
export interface MetricOptions {
  points: Points;
  solution: ((x: number[]) => number | readonly number[]) | ArrayLike<number>;
}

/** What the history holds for one metric. */
export interface MetricRecord {
  /** the steps at which it was measured */
  steps: number[];
  /** relative L2 error at those steps */
  relativeL2: number[];
  /** largest absolute error at those steps */
  maxError: number[];
}

interface Metric {
  name: string;
  points: Float64Array;
  N: number;
  solution: Float64Array;
  norm: number;
}

/** The checked metrics of a run; measures and records them. */
export class Metrics {
  private readonly list: Metric[] = [];
  readonly every: number;

  constructor(
    private readonly net: Mlp,
    spec: unknown,
    every: unknown,
  ) {
    this.every = every === undefined ? 100 : checkInteger(every, 'fit: metricsEvery', 1);
    if (spec === undefined && every !== undefined)
      throw new JetfitError(
        'fit: metricsEvery is given without metrics; add metrics: { name: { points, solution } }, or drop metricsEvery',
      );
    if (spec === undefined) return;
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      throw new JetfitError(`fit: metrics: expected named metrics like { l2: { points, solution } }, got ${describe(spec)}`);
    }
    const n = net.inputs,
      m = net.outputs;
    for (const [name, o] of Object.entries(spec as Record<string, unknown>)) {
      const what = `fit: metrics.${name}`;
      if (typeof o !== 'object' || o === null) throw new JetfitError(`${what}: expected { points, solution }, got ${describe(o)}`);
      checkKeys(o, ['points', 'solution'], what);
      const { points, solution } = o as MetricOptions;
      const N = checkPoints(points, n, `${what}.points`, net.dtype === 'float32');
      const flat = new Float64Array(N * n);
      copyPoints(points, n, n, flat, 0);
      const values = new Float64Array(N * m);
      if (typeof solution === 'function') {
        for (let p = 0; p < N; p++) {
          const v: unknown = solution(Array.from(flat.subarray(p * n, p * n + n)));
          const arr = typeof v === 'number' ? [v] : v;
          if (!Array.isArray(arr) && !ArrayBuffer.isView(arr))
            throw new JetfitError(`${what}.solution: returned ${describe(v)} at points[${p}]; expected a number or ${m} numbers`);
          const list = arr as ArrayLike<number>;
          if (list.length !== m)
            throw new JetfitError(`${what}.solution: returned ${list.length} values at points[${p}]; expected ${m} (one per output)`);
          for (let k = 0; k < m; k++) values[p * m + k] = list[k]!;
        }
      } else if (solution && typeof (solution as ArrayLike<number>).length === 'number') {
        const s = solution as ArrayLike<number>;
        if (s.length !== N * m)
          throw new JetfitError(`${what}.solution: expected ${N * m} values (${N} points × ${m} outputs), got ${s.length}`);
        for (let i = 0; i < s.length; i++) values[i] = s[i]!;
      } else {
        throw new JetfitError(`${what}.solution: expected a function of a point or the values at the points, got ${describe(solution)}`);
      }
      values.forEach((v, i) => {
        if (!Number.isFinite(v)) throw new JetfitError(`${what}.solution: value ${i} is ${describe(v)}; expected a finite number`);
      });
      let norm = 0;
      for (const v of values) norm += v * v;
      this.list.push({ name, points: flat, N, solution: values, norm: Math.sqrt(norm) });
    }
  }

  get names(): string[] {
    return this.list.map((m) => m.name);
  }

  /** Whether it measures after step `step` (counted from 1): every `every` steps, and the last. */
  due(step: number, last: boolean): boolean {
    return this.list.length > 0 && (step % this.every === 0 || last);
  }

  /** Measures every metric now; records into `into` at `step`; returns the relative L2 errors by name. */
  measure(step: number, into: Record<string, MetricRecord>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of this.list) {
      const y = this.net.evaluate(m.points).y;
      let sq = 0,
        max = 0;
      for (let i = 0; i < m.solution.length; i++) {
        const e = y[i]! - m.solution[i]!;
        sq += e * e;
        max = Math.max(max, Math.abs(e));
      }
      const rel = Math.sqrt(sq) / (m.norm > 0 ? m.norm : 1);
      // (own keys only: a metric named 'constructor' must not find Object's)
      if (!Object.hasOwn(into, m.name)) into[m.name] = { steps: [], relativeL2: [], maxError: [] };
      const r = into[m.name]!;
      // measured again at the same step (after the best parameters were put back): replace
      if (r.steps.at(-1) === step) {
        r.steps.pop();
        r.relativeL2.pop();
        r.maxError.pop();
      }
      r.steps.push(step);
      r.relativeL2.push(rel);
      r.maxError.push(max);
      out[m.name] = rel;
    }
    return out;
  }
}
