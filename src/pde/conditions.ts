// Boundary, initial and data conditions as loss terms for fit: each samples its points from
// a geometry (or takes them), computes what the condition needs at them (values, outward
// normals, periodic images) once, and returns a term whose loss is the mean squared
// residual of the condition. Their names follow DeepXDE's.
import { checkBoolean, checkInteger, checkKeys, describe, show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { checkBytes, pointBytes } from '../base/limits.js';
import type { Field } from '../fields/field.js';
import { mean } from '../fields/field.js';
import { Box } from '../geometry/box.js';
import { Geometry, type Point, type SampleOptions } from '../geometry/geometry.js';
import type { Sampling } from '../geometry/sequences.js';
import { SpaceTime } from '../geometry/space-time.js';
import type { LossContext, TermOptions } from '../train/term.js';

/** A value given at points: a number, or a function of the point. */
export type PointValue = number | ((x: Point) => number);

/** Options every condition takes. */
export interface ConditionOptions {
  /** how many points to sample from the geometry (default 100) */
  count?: number;
  /** how to sample them (default 'uniform') */
  method?: Sampling;
  seed?: number;
  /** keep only the sampled points where this is true (a part of the boundary) */
  on?: (x: Point) => boolean;
  /** the term's weight in the loss (default 1) */
  weight?: number;
  /** which output of the network the condition is on (default 0) */
  component?: number;
  /** points to use instead of sampling (they must lie on the geometry's boundary) */
  points?: Point[];
}

const KEYS = ['count', 'method', 'seed', 'on', 'weight', 'component', 'points'];

interface Prepared {
  points: Point[];
  weight: number;
  component: number;
}

/** A term's weight: a finite number ≥ 0 (default 1). */
export function checkWeight(v: unknown, what: string): number {
  if (v === undefined) return 1;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new JetfitError(`${what}: weight: expected a finite number ≥ 0, got ${describe(v)}`);
  return v;
}

/** Given points: an array of points of dim finite coordinates, copied (a later change to the caller's arrays changes nothing). */
function givenPoints(v: unknown, dim: number, what: string): Point[] {
  if (!Array.isArray(v)) throw new JetfitError(`${what}: points: expected an array of points, got ${describe(v)}`);
  if (v.length === 0) throw new JetfitError(`${what}: points: expected at least one point, got an empty array`);
  checkBytes(pointBytes(v.length, dim), `${what}: points`, `${v.length} points of ${dim} coordinates`);
  if (dim !== 1 && v.length === dim && v.every((r) => Array.isArray(r) && r.length > dim && r.length !== dim)) {
    throw new JetfitError(
      `${what}: points: got ${dim} arrays of ${(v[0] as unknown[]).length}, expected points of ${dim} coordinates each (transposed?)`,
    );
  }
  return v.map((x: unknown, i) => {
    if (!Array.isArray(x) || x.length !== dim || !x.every((c) => typeof c === 'number' && Number.isFinite(c)))
      throw new JetfitError(`${what}: points[${i}]: expected ${dim} finite coordinates, got ${show(x)}`);
    return [...(x as number[])];
  });
}

/** Checks the options and gets the boundary points (sampled and filtered, or given and checked). */
function boundaryPoints(what: string, g: unknown, o: ConditionOptions | undefined, extra: string[] = []): Prepared {
  if (!(g instanceof Geometry)) throw new JetfitError(`${what}: expected a geometry, got ${describe(g)}`);
  const opts = o ?? {};
  if (typeof opts !== 'object' || opts === null) throw new JetfitError(`${what}: options: expected an object, got ${describe(o)}`);
  checkKeys(opts, [...KEYS, ...extra], `${what}: options`);
  const weight = checkWeight(opts.weight, what);
  const component = opts.component === undefined ? 0 : checkInteger(opts.component, `${what}: component`, 0);
  if (opts.on !== undefined && typeof opts.on !== 'function')
    throw new JetfitError(`${what}: on must be a function of a point, got ${describe(opts.on)}`);
  let points: Point[];
  if (opts.points !== undefined) {
    if (opts.count !== undefined || opts.method !== undefined || opts.seed !== undefined)
      throw new JetfitError(`${what}: points are given, so count, method and seed do not apply; give one or the other`);
    points = givenPoints(opts.points, g.dim, what);
    points.forEach((x, i) => {
      if (!g.onBoundary(x))
        throw new JetfitError(
          `${what}: points[${i}] = ${show(x)} is not on the geometry's boundary (signed distance ${g.signedDistance(x).toExponential(2)})`,
        );
      if (opts.on && !opts.on(x)) throw new JetfitError(`${what}: points[${i}] = ${show(x)} is not where the 'on' filter holds`);
    });
  } else {
    const count = opts.count === undefined ? 100 : checkInteger(opts.count, `${what}: count`, 1);
    const sample: SampleOptions = { method: opts.method ?? 'uniform', ...(opts.seed === undefined ? {} : { seed: opts.seed }) };
    points = sampleOn(g, count, sample, opts.on, what);
  }
  return { points, weight, component };
}

/**
 * count boundary points where `on` holds. A first draw of count points measures the share the
 * filter keeps; the next draw is sized by it (refused up front when that is beyond the size
 * limit, or when the filter keeps none of at least 10,000).
 */
function sampleOn(g: Geometry, count: number, sample: SampleOptions, on: ((x: Point) => boolean) | undefined, what: string): Point[] {
  if (!on) return g.sampleBoundary(count, sample);
  let m = count;
  for (let round = 0; round < 8; round++) {
    checkBytes(pointBytes(m, g.dim), what, `${m} boundary points drawn to keep ${count} where the 'on' filter holds`);
    const kept = g.sampleBoundary(m, sample).filter((x) => on(x) === true);
    if (kept.length >= count) return kept.slice(0, count);
    if (kept.length === 0 && m >= 10000)
      throw new JetfitError(`${what}: the 'on' filter keeps none of ${m} boundary points (it must return true where the condition holds)`);
    m = kept.length === 0 ? Math.max(10000, m * 16) : Math.ceil(((m * count) / kept.length) * 1.25) + 16;
  }
  throw new JetfitError(`${what}: the 'on' filter keeps too few boundary points to find ${count}`);
}

function values(v: PointValue, points: Point[], what: string): number[] {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new JetfitError(`${what}: value must be finite, got ${v}`);
    return points.map(() => v);
  }
  if (typeof v !== 'function') throw new JetfitError(`${what}: expected a number or a function of a point, got ${describe(v)}`);
  return points.map((x, i) => {
    const y: unknown = v(x);
    if (typeof y !== 'number' || !Number.isFinite(y))
      throw new JetfitError(`${what}: the value at points[${i}] = ${show(x)} is ${describe(y)}; expected a finite number`);
    return y;
  });
}

const output = (c: LossContext, k: number): Field => c.outputs[k]!;

/** u = value on the boundary (or the part `on` selects). */
export function dirichlet(geometry: Geometry, value: PointValue, options?: ConditionOptions): TermOptions {
  const p = boundaryPoints('dirichlet', geometry, options);
  return {
    points: p.points,
    columns: { g: values(value, p.points, 'dirichlet') },
    loss: (c) => mean(output(c, p.component).sub(c.data.g!).square()),
    weight: p.weight,
  };
}

/** The normal derivative n·∇u (the outward normal of the geometry, over its spatial coordinates). */
function normalDerivative(c: LossContext, k: number, dims: number): Field {
  let f = output(c, k).d(0).mul(c.data.n0!);
  for (let i = 1; i < dims; i++) f = f.add(output(c, k).d(i).mul(c.data[`n${i}`]!));
  return f;
}

function normalColumns(g: Geometry, points: Point[]): Record<string, number[]> {
  const dims = g instanceof SpaceTime ? g.dim - 1 : g.dim;
  const normals = g.normals(points);
  return Object.fromEntries(Array.from({ length: dims }, (_, i) => [`n${i}`, normals.map((n) => n[i]!)]));
}

/** ∂u/∂n = value on the boundary: the outward normal derivative. */
export function neumann(geometry: Geometry, value: PointValue, options?: ConditionOptions): TermOptions {
  const p = boundaryPoints('neumann', geometry, options);
  const dims = geometry instanceof SpaceTime ? geometry.dim - 1 : geometry.dim;
  return {
    points: p.points,
    columns: { g: values(value, p.points, 'neumann'), ...normalColumns(geometry, p.points) },
    loss: (c) => mean(normalDerivative(c, p.component, dims).sub(c.data.g!).square()),
    weight: p.weight,
  };
}

/** a·u + b·∂u/∂n = value on the boundary. */
export function robin(
  geometry: Geometry,
  coefficients: { a: number; b: number },
  value: PointValue,
  options?: ConditionOptions,
): TermOptions {
  const p = boundaryPoints('robin', geometry, options);
  if (typeof coefficients !== 'object' || coefficients === null)
    throw new JetfitError(`robin: coefficients: expected { a, b }, got ${describe(coefficients)}`);
  checkKeys(coefficients, ['a', 'b'], 'robin: coefficients');
  const { a, b } = coefficients;
  if (!Number.isFinite(a) || !Number.isFinite(b))
    throw new JetfitError(`robin: coefficients a and b must be finite numbers, got ${describe(a)} and ${describe(b)}`);
  const dims = geometry instanceof SpaceTime ? geometry.dim - 1 : geometry.dim;
  return {
    points: p.points,
    columns: { g: values(value, p.points, 'robin'), ...normalColumns(geometry, p.points) },
    loss: (c) =>
      mean(
        output(c, p.component)
          .mul(a)
          .add(normalDerivative(c, p.component, dims).mul(b))
          .sub(c.data.g!)
          .square(),
      ),
    weight: p.weight,
  };
}

/**
 * u (and with derivative: 1 also ∂u/∂x_axis) equal on the two faces of a box across `axis`:
 * points on the lower face, paired with their images on the upper face (a term with a
 * point set, read with u.at('image')).
 */
export function periodic(box: Geometry, axis: number, options?: ConditionOptions & { derivative?: 0 | 1 }): TermOptions {
  const space = box instanceof SpaceTime ? box.space : box;
  if (!(space instanceof Box)) throw new JetfitError(`periodic: expected a box (or a box × time), got ${describe(box)}`);
  checkInteger(axis, 'periodic: axis', 0, space.dim - 1);
  const lo = space.bbox[0][axis]!,
    hi = space.bbox[1][axis]!;
  const on = options?.on;
  if (on !== undefined && typeof on !== 'function')
    throw new JetfitError(`periodic: on must be a function of a point, got ${describe(on)}`);
  // the points are on the lower face (sampled there, or given and checked to be), each paired with its image on the upper face
  const lowerFace = (x: Point): boolean => Math.abs(x[axis]! - lo) <= 1e-12 * (hi - lo);
  if (options?.points !== undefined) {
    givenPoints(options.points, box.dim, 'periodic').forEach((x, i) => {
      if (!lowerFace(x))
        throw new JetfitError(
          `periodic: points[${i}] = ${show(x)} is not on the lower face (coordinate ${axis} = ${lo}); each given point is paired with its image on the upper face`,
        );
    });
  }
  const p = boundaryPoints('periodic', box, { ...options, on: (x) => lowerFace(x) && (!on || on(x) === true) }, ['derivative']);
  const derivative = options?.derivative ?? 0;
  if (derivative !== 0 && derivative !== 1) throw new JetfitError(`periodic: derivative: expected 0 or 1, got ${describe(derivative)}`);
  const images = p.points.map((x) => x.map((v, i) => (i === axis ? hi : v)));
  return {
    points: p.points,
    sets: { image: images },
    loss: (c) => {
      const u = output(c, p.component),
        v = u.at('image');
      let r = mean(v.sub(u).square());
      if (derivative === 1) r = r.add(mean(v.d(axis).sub(u.d(axis)).square()));
      return r;
    },
    weight: p.weight,
  };
}

/** u = value at the first time of a space × time geometry (points of the geometry's interior at t0). */
export function initial(geometry: SpaceTime, value: PointValue, options?: ConditionOptions & { rate?: boolean }): TermOptions {
  if (!(geometry instanceof SpaceTime))
    throw new JetfitError(`initial: expected a space × time geometry (SpaceTime), got ${describe(geometry)}`);
  const o = options ?? {};
  checkKeys(o, [...KEYS, 'rate'], 'initial: options');
  if (o.points !== undefined || o.on !== undefined)
    throw new JetfitError('initial: points and on do not apply; the points are sampled at the first time');
  const count = o.count === undefined ? 100 : checkInteger(o.count, 'initial: count', 1);
  const points = geometry.sampleInitial(count, { method: o.method ?? 'uniform', ...(o.seed === undefined ? {} : { seed: o.seed }) });
  const component = o.component === undefined ? 0 : checkInteger(o.component, 'initial: component', 0);
  const weight = checkWeight(o.weight, 'initial');
  const rate = checkBoolean(o.rate, 'initial: rate');
  const t = geometry.dim - 1;
  return {
    points,
    columns: { g: values(value, points, 'initial') },
    // with rate: the initial time derivative ∂u/∂t instead of u
    loss: (c) => mean((rate ? output(c, component).d(t) : output(c, component)).sub(c.data.g!).square()),
    weight,
  };
}

/** u = values at given points (measurements, for an inverse problem or data fitting); points and values are copied. */
export function observations(points: Point[], values: readonly number[], options?: { weight?: number; component?: number }): TermOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null)
    throw new JetfitError(`observations: options: expected { weight, component }, got ${describe(o)}`);
  checkKeys(o, ['weight', 'component'], 'observations: options');
  if (!Array.isArray(points) || points.length === 0 || !Array.isArray(points[0]))
    throw new JetfitError(`observations: points: expected an array of points (arrays of coordinates), got ${show(points)}`);
  const copied = givenPoints(points, (points[0] as unknown[]).length, 'observations');
  if (!Array.isArray(values) || values.length !== copied.length) {
    throw new JetfitError(`observations: values: expected one value per point (${copied.length} points), got ${describe(values)}`);
  }
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new JetfitError(`observations: values[${i}] is ${describe(v)}; expected a finite number`);
  });
  const component = o.component === undefined ? 0 : checkInteger(o.component, 'observations: component', 0);
  return {
    points: copied,
    columns: { g: [...values] },
    loss: (c) => mean(output(c, component).sub(c.data.g!).square()),
    weight: checkWeight(o.weight, 'observations'),
  };
}
