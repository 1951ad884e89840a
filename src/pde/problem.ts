// A forward or inverse problem as it is stated — geometry, equation, conditions, point
// counts, optionally the known solution — turned into fit's terms and metrics:
//   fit(net, { ...problem({ geometry, pde, conditions, points, solution }), phases })
import { checkInteger, checkKeys, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Random } from '../base/random.js';
import { checkWeight } from './conditions.js';
import { Field, mean, type Loss } from '../fields/field.js';
import { Geometry, type Point } from '../geometry/geometry.js';
import type { Sampling } from '../geometry/sequences.js';
import type { MetricOptions } from '../train/metrics.js';
import type { ResampleOptions } from '../train/resample.js';
import type { LossContext, TermOptions } from '../train/term.js';

/** A problem's statement. */
export interface ProblemOptions {
  /** where the equation holds */
  geometry: Geometry;
  /** the equation's residual (or residuals, for a system), zero where it holds */
  pde: (fields: LossContext) => Field | Field[];
  /** boundary, initial and data conditions by name (dirichlet(...), neumann(...), ...) */
  conditions?: Record<string, TermOptions>;
  /** interior points: a count, or { count, method, seed, resample } (default 1000 uniform) */
  points?: number | { count: number; method?: Sampling; seed?: number; resample?: ResampleOptions };
  /** the equation term's weight (default 1) */
  weight?: number;
  /** the known solution u(x) (or its outputs), measured during training as metrics.solution */
  solution?: (x: Point) => number | readonly number[];
  /** how many interior points the solution is measured at (default 1000, Hammersley) */
  testPoints?: number;
}

/** The terms and metrics of fit for a problem. */
export interface Problem {
  terms: Record<string, TermOptions>;
  metrics?: Record<string, MetricOptions>;
}

/** Builds fit's terms (the equation as 'pde', then the conditions by name) and metrics from a problem's statement. */
export function problem(options: ProblemOptions): Problem {
  if (typeof options !== 'object' || options === null)
    throw new JetfitError(`problem: expected { geometry, pde, conditions, ... }, got ${describe(options)}`);
  checkKeys(options, ['geometry', 'pde', 'conditions', 'points', 'weight', 'solution', 'testPoints'], 'problem');
  const { geometry, pde } = options;
  if (!(geometry instanceof Geometry)) throw new JetfitError(`problem: geometry: expected a geometry, got ${describe(geometry)}`);
  if (typeof pde !== 'function') throw new JetfitError(`problem: pde: expected a function ({ u, x }) => residual, got ${describe(pde)}`);
  const p = typeof options.points === 'number' || options.points === undefined ? { count: options.points ?? 1000 } : options.points;
  if (typeof p !== 'object' || p === null)
    throw new JetfitError(`problem: points: expected a count or { count, method, seed, resample }, got ${describe(p)}`);
  checkKeys(p, ['count', 'method', 'seed', 'resample'], 'problem: points');
  const count = checkInteger(p.count, 'problem: points.count', 1);
  const weight = checkWeight(options.weight, 'problem');
  const residualLoss = (c: LossContext): Loss => {
    const r = pde(c);
    const list = Array.isArray(r) ? r : [r];
    if (list.length === 0 || !list.every((f) => f instanceof Field)) {
      throw new JetfitError(`problem: pde must return a field (the residual) or an array of fields, got ${describe(r)}`);
    }
    return list.map((f) => mean(f.square())).reduce((s, l) => s.add(l));
  };
  const sample = (n: number, random: Random): Point[] =>
    geometry.sampleInterior(n, { method: p.method ?? 'uniform', seed: p.resample ? random.int(2 ** 31) : (p.seed ?? 0) });
  const equation: TermOptions = p.resample
    ? { points: sample, count, resample: p.resample, loss: residualLoss, weight }
    : {
        points: geometry.sampleInterior(count, { method: p.method ?? 'uniform', seed: p.seed ?? 0 }),
        loss: residualLoss,
        weight,
      };
  const conditions = options.conditions ?? {};
  if (typeof conditions !== 'object' || conditions === null || Array.isArray(conditions)) {
    throw new JetfitError(`problem: conditions: expected named terms like { boundary: dirichlet(...) }, got ${describe(conditions)}`);
  }
  if ('pde' in conditions) throw new JetfitError("problem: conditions: the name 'pde' is the equation's; name the condition otherwise");
  const out: Problem = { terms: { pde: equation, ...conditions } };
  if (options.solution !== undefined) {
    if (typeof options.solution !== 'function')
      throw new JetfitError(`problem: solution: expected a function of a point, got ${describe(options.solution)}`);
    const test = options.testPoints === undefined ? 1000 : checkInteger(options.testPoints, 'problem: testPoints', 1);
    out.metrics = { solution: { points: geometry.sampleInterior(test, { method: 'hammersley' }), solution: options.solution } };
  }
  return out;
}
