// Residual-based adaptive resampling of a term's points (RAD, Wu, Zhu, Tan, Kartha & Lu
// 2023): every `every` steps, draw `candidates` points from the term's sampler function,
// evaluate the term's pointwise loss ℓ at each, and keep the term's count of them, drawn
// without replacement with probability ∝ ε^k / mean(ε^k) + c, where ε = √|ℓ| is the
// residual's magnitude (|r| for a loss mean(r²)).
//
// The candidates are evaluated in chunks of a fixed size (fields/probe.ts).
import { checkKeys, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { checkPoints, copyPoints, type Points } from '../base/points.js';
import type { Random } from '../base/random.js';
import type { Mlp } from '../engine/mlp.js';
import type { Loss } from '../fields/field.js';
import { Probe } from '../fields/probe.js';
import { linearReductions, type WeightedReduction } from '../fields/pointwise.js';
import type { TapeNode } from '../fields/tape.js';
import { checkOption } from '../base/check.js';

/** Draws n points ([n][inputs], rows or flat) with the given generator: a term's source of points. */
export type PointSampler = (n: number, random: Random) => Points;

/** Options of residual-based adaptive resampling (a term's `resample`). */
export interface ResampleOptions {
  /** resample before every step whose number of completed steps is a multiple of this */
  every: number;
  /** points drawn from the term's sampler function each time (≥ the term's count) */
  candidates: number;
  /** the exponent of the residual (default 1) */
  k?: number;
  /** the uniform share added to the normalized density (default 1) */
  c?: number;
}

/** A term's resampling position in a saved training state. */
export interface ResampleState {
  /** the term's current points, flat row-major */
  points: number[];
  /** its generator */
  rng: (number | null)[];
}

/** Draws `n` points from a term's sampler function into `dst` (flat), checked like any points. */
export function drawPoints(source: PointSampler, rng: Random, n: number, net: Mlp, term: string, dst: Float64Array): void {
  const p = source(n, rng);
  const inputs = net.inputs;
  const what = `term '${term}': the points its sampler function returned for n = ${n}`;
  const got = checkPoints(p, inputs, what, net.dtype === 'float32');
  if (got !== n) throw new JetfitError(`${what}: expected ${n} points, got ${got}`);
  copyPoints(p, inputs, inputs, dst, 0);
}

/** Resamples one term's points. */
export class Resampler {
  readonly every: number;
  private readonly candidates: number;
  private readonly k: number;
  private readonly c: number;
  private readonly reductions: WeightedReduction[];
  private readonly probe: Probe;
  private readonly values: (TapeNode | number)[];
  private readonly all: Float64Array;
  private readonly density: Float64Array;

  constructor(
    o: unknown,
    private readonly source: PointSampler,
    private readonly rng: Random,
    private readonly count: number,
    private readonly net: Mlp,
    loss: Loss,
    private readonly term: string,
  ) {
    const what = `term '${term}': resample`;
    if (typeof o !== 'object' || o === null || Array.isArray(o))
      throw new JetfitError(`${what}: expected { every, candidates, k?, c? }, got ${describe(o)}`);
    checkKeys(o, ['every', 'candidates', 'k', 'c'], what);
    const r = o as Partial<ResampleOptions>;
    const whole = (v: unknown, name: string, min: number): number => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
        throw new JetfitError(`${what}.${name}: expected a whole number ≥ ${min}, got ${describe(v)}`);
      return v;
    };
    this.every = whole(r.every, 'every', 1);
    this.candidates = whole(r.candidates, 'candidates', count);
    this.k = checkOption(r.k, `${what}.k`, 1, 0);
    this.c = checkOption(r.c, `${what}.c`, 1, 0);
    const reductions = linearReductions(loss);
    if (!reductions || reductions.length === 0) {
      throw new JetfitError(
        `${what}: the loss must be a weighted sum of means or sums over the points (like mean(r.square())), so that each point has a share of it`,
      );
    }
    this.reductions = reductions;
    this.probe = new Probe(net, loss, term, this.candidates);
    this.values = reductions.map((t) => this.probe.lowered.valueOf(t.field)!);
    this.all = new Float64Array(this.candidates * net.inputs);
    this.density = new Float64Array(this.candidates);
  }

  /** New points for the term (count × inputs, flat), drawn by residual from fresh candidates. */
  resample(): Float64Array {
    const M = this.candidates,
      n = this.net.inputs;
    drawPoints(this.source, this.rng, M, this.net, this.term, this.all);
    this.probe.run(this.all, M, (start, len) => {
      this.density.set(this.pointwise(len), start);
    });
    // weights ε^k / mean(ε^k) + c, ε = √|ℓ|
    const d = this.density;
    let total = 0;
    for (let i = 0; i < M; i++) {
      d[i] = Math.abs(d[i]!) ** (this.k / 2);
      total += d[i]!;
    }
    const meanValue = total / M;
    if (!Number.isFinite(meanValue)) {
      throw new JetfitError(`term '${this.term}': resample: the loss is not finite at some candidate points; cannot rank them`);
    }
    // Weighted sampling without replacement (Efraimidis & Spirakis): the count largest of log(u)/w.
    const keys = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      const w = (meanValue > 0 ? d[i]! / meanValue : 0) + this.c;
      const u = this.rng.uniform();
      keys[i] = w > 0 ? Math.log(u > 0 ? u : Number.MIN_VALUE) / w : -Infinity;
    }
    const order = Array.from({ length: M }, (_, i) => i);
    order.sort((a, b) => keys[b]! - keys[a]! || a - b);
    const kept = order.slice(0, this.count).sort((a, b) => a - b);
    const out = new Float64Array(this.count * n);
    kept.forEach((p, j) => {
      out.set(this.all.subarray(p * n, p * n + n), j * n);
    });
    return out;
  }

  /** The pointwise loss of the probe's current chunk (its first len points). */
  private pointwise(len: number): Float64Array {
    const out = new Float64Array(len);
    for (let b = 0; b < len; b++) {
      let s = 0;
      this.reductions.forEach((t, j) => {
        const v = this.values[j]!;
        const x = typeof v === 'number' ? v : v.value[b]!;
        s += (t.kind === 'mean' ? t.coefficient / this.count : t.coefficient) * x;
      });
      out[b] = s;
    }
    return out;
  }

  /** @internal the generator's position (the points are the term's) */
  rngState(): (number | null)[] {
    return this.rng.state();
  }
  /** @internal restores a position checked by Random.checkState */
  restoreRng(s: (number | null)[]): void {
    this.rng.restore(s);
  }
}
