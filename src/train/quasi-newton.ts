// The iteration shared by the quasi-Newton optimizers (L-BFGS in lbfgs.ts, dense BFGS and
// the self-scaled updates in dense-quasi-newton.ts), for full-batch objectives: a direction
// d = −H·g from the method's inverse-Hessian approximation H, a strong-Wolfe line search
// with cubic interpolation (Nocedal & Wright, algorithms 3.5 and 3.6), then the method's
// update from the curvature pair s = x₊ − x, y = g₊ − g. Vectors are float64 copies of
// all trainables (flat layout), allocated once.
import type { OptimizerState } from './optimizers.js';
import type { Trainables } from './trainables.js';
import { cubicMinimum, dot, maxAbs } from './vectors.js';

/** Evaluates the objective at the trainables' current values and fills their gradient. */
export type Objective = () => number;

/**
 * Why an iteration ended the run: a tolerance was met ('converged'); no point along the
 * search direction lowered the loss, even from steepest descent with the curvature
 * history cleared ('line-search-failed'); or the loss or gradient at the current point is
 * not finite (nothing moved).
 */
export type QuasiNewtonStop = 'converged' | 'line-search-failed' | 'non-finite-loss' | 'non-finite-gradient' | null;

/** Options every quasi-Newton method takes. */
export interface LineSearchOptions {
  lr: number;
  toleranceGrad: number;
  toleranceChange: number;
  maxLineSearch: number;
}

/** A quasi-Newton method over n trainables: the iteration and line search; the subclass owns H. */
export abstract class QuasiNewton {
  readonly lr: number;
  protected readonly tolGrad: number;
  protected readonly tolChange: number;
  private readonly maxLs: number;
  protected readonly x: Float64Array;
  protected readonly g: Float64Array;
  protected readonly gPrev: Float64Array;
  protected readonly d: Float64Array;
  private readonly trial: Float64Array;
  private readonly trialG: Float64Array;
  private readonly bracketG: [Float64Array, Float64Array];
  private readonly sNew: Float64Array;
  private readonly yNew: Float64Array;
  protected loss = NaN;
  protected iterations = 0;
  private t = 0;
  /** objective evaluations so far */
  evaluations = 0;

  constructor(
    o: LineSearchOptions,
    readonly n: number,
  ) {
    this.lr = o.lr;
    this.tolGrad = o.toleranceGrad;
    this.tolChange = o.toleranceChange;
    this.maxLs = o.maxLineSearch;
    const v = (): Float64Array => new Float64Array(n);
    this.x = v();
    this.g = v();
    this.gPrev = v();
    this.d = v();
    this.trial = v();
    this.trialG = v();
    this.bracketG = [v(), v()];
    this.sNew = v();
    this.yNew = v();
  }

  /** d = −H·g for the method's current H. */
  protected abstract direction(): void;
  /** whether H holds curvature information (then a failed search is retried without it) */
  protected abstract hasHistory(): boolean;
  /** forgets the curvature information: H = I */
  protected abstract clearHistory(): void;
  /** updates H from the accepted pair s = step·d, y = g₊ − g (gPrev holds g, g holds g₊) */
  protected abstract record(s: Float64Array, y: Float64Array, step: number): void;

  /** Value and gradient at x + step·d (the trainables are left there). */
  private evaluateAt(t: Trainables, f: Objective, step: number, grad: Float64Array): number {
    for (let i = 0; i < this.n; i++) this.trial[i] = this.x[i]! + step * this.d[i]!;
    t.load(this.trial);
    const value = f();
    t.saveGradient(grad);
    this.evaluations++;
    // A point whose loss or gradient is not finite is no candidate: the search backs off.
    return Number.isFinite(value) && Number.isFinite(maxAbs(grad)) ? value : Infinity;
  }

  /**
   * One iteration. Returns the loss at the new point, and why the run should stop, if it
   * should (see QuasiNewtonStop); on a stop without a move the trainables are left at x.
   */
  step(t: Trainables, f: Objective): { loss: number; stop: QuasiNewtonStop } {
    if (this.iterations === 0 || !Number.isFinite(this.loss)) {
      t.save(this.x);
      this.loss = f();
      t.saveGradient(this.g);
      this.gradientReplaced();
      this.evaluations++;
      if (!Number.isFinite(this.loss)) return { loss: this.loss, stop: 'non-finite-loss' };
      if (!Number.isFinite(maxAbs(this.g))) return { loss: this.loss, stop: 'non-finite-gradient' };
    }
    if (maxAbs(this.g) <= this.tolGrad) return { loss: this.loss, stop: 'converged' };
    this.searchDirection();
    // the predicted decrease along d is below toleranceChange: a tolerance is met
    if (!(this.gtd < -this.tolChange)) return { loss: this.loss, stop: 'converged' };
    this.gPrev.set(this.g);
    const prevLoss = this.loss;
    let ls = this.lineSearch(t, f, this.initialStep(), this.gtd);
    if (ls.step === 0 && this.hasHistory()) {
      // The curvature information can mislead (float32 noise in y = Δg): clear it and
      // search once more from steepest descent before giving up.
      this.clearHistory();
      this.searchDirection();
      if (this.gtd < -this.tolChange) ls = this.lineSearch(t, f, this.firstStep(), this.gtd);
    }
    if (ls.step === 0) {
      t.load(this.x);
      return { loss: this.loss, stop: 'line-search-failed' };
    }
    const step = ls.step;
    const n = this.n,
      d = this.d,
      g = this.g,
      s = this.sNew,
      y = this.yNew;
    // Move to the accepted point and update H from the curvature pair (s = step·d, y = Δg).
    for (let i = 0; i < n; i++) {
      s[i] = step * d[i]!;
      this.x[i] = this.x[i]! + s[i]!;
      y[i] = g[i]! - this.gPrev[i]!;
    }
    this.record(s, y, step);
    t.load(this.x);
    this.loss = ls.loss;
    this.t = step;
    this.iterations++;
    if (maxAbs(g) <= this.tolGrad) return { loss: this.loss, stop: 'converged' };
    if (maxAbs(s) <= this.tolChange || Math.abs(this.loss - prevLoss) < this.tolChange) return { loss: this.loss, stop: 'converged' };
    return { loss: this.loss, stop: null };
  }

  private gtd = 0;

  /** The step a line search tries first: lr, scaled down on the first iteration (H = I). */
  protected initialStep(): number {
    return this.iterations === 0 ? this.firstStep() : this.lr;
  }

  /** The first step of a search from steepest descent: at most 1, scaled by 1/‖g‖₁. */
  protected firstStep(): number {
    let l1 = 0;
    for (let i = 0; i < this.n; i++) l1 += Math.abs(this.g[i]!);
    return Math.min(1, 1 / Math.max(1e-300, l1)) * this.lr;
  }

  /** d = −H·g and gtd = gᵀd. */
  private searchDirection(): void {
    this.direction();
    this.gtd = dot(this.g, this.d);
  }

  /** Strong-Wolfe line search along d from x (value this.loss, slope gtd); leaves the gradient in g. */
  private lineSearch(t: Trainables, f: Objective, step0: number, gtd: number): { loss: number; step: number } {
    const c1 = 1e-4,
      c2 = 0.9,
      f0 = this.loss;
    const dNorm = maxAbs(this.d);
    const gNew = this.trialG;
    let step = step0;
    let fNew = this.evaluateAt(t, f, step, gNew);
    let gtdNew = dot(gNew, this.d);
    let tPrev = 0,
      fPrev = f0,
      gtdPrev = gtd;
    const [gA, gB] = this.bracketG;
    gA.set(this.g); // gradient at tPrev
    let evals = 1;
    // bracket [lo, hi] with values, slopes and gradients in slots 0 and 1
    const bt = [0, 0],
      bf = [0, 0],
      bgtd = [0, 0];
    let done = false,
      bracketed = false;
    while (evals < this.maxLs) {
      // tooHigh: no sufficient decrease (or none from the previous trial); otherwise the
      // strong-Wolfe curvature condition ends the search
      const tooHigh = fNew > f0 + c1 * step * gtd || (evals > 1 && fNew >= fPrev);
      if (!tooHigh && Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
        break;
      }
      // too high, or the slope turned upward: bracket [previous, this] and zoom
      if (tooHigh || gtdNew >= 0) {
        bt[0] = tPrev;
        bf[0] = fPrev;
        bgtd[0] = gtdPrev;
        bt[1] = step;
        bf[1] = fNew;
        bgtd[1] = gtdNew;
        gB.set(gNew);
        bracketed = true;
        break;
      }
      const lo = step + 0.01 * (step - tPrev),
        hi = step * 10;
      const next = cubicMinimum(tPrev, fPrev, gtdPrev, step, fNew, gtdNew, lo, hi);
      tPrev = step;
      fPrev = fNew;
      gtdPrev = gtdNew;
      gA.set(gNew);
      step = next;
      fNew = this.evaluateAt(t, f, step, gNew);
      gtdNew = dot(gNew, this.d);
      evals++;
    }
    if (done) {
      this.g.set(gNew);
      return { loss: fNew, step };
    }
    if (!bracketed) {
      // Out of evaluations while still descending: keep the last point if it is better.
      if (fNew < f0) {
        this.g.set(gNew);
        return { loss: fNew, step };
      }
      return { loss: f0, step: 0 };
    }
    // Zoom: gA holds the gradient at bt[0], gB at bt[1].
    let low = bf[0]! <= bf[1]! ? 0 : 1;
    let insufficient = false;
    while (!done && evals < this.maxLs) {
      if (Math.abs(bt[1]! - bt[0]!) * dNorm < this.tolChange) break;
      let tz = cubicMinimum(bt[0]!, bf[0]!, bgtd[0]!, bt[1]!, bf[1]!, bgtd[1]!);
      const bmax = Math.max(bt[0]!, bt[1]!),
        bmin = Math.min(bt[0]!, bt[1]!);
      const eps = 0.1 * (bmax - bmin);
      if (Math.min(bmax - tz, tz - bmin) < eps) {
        if (insufficient || tz >= bmax || tz <= bmin) {
          tz = Math.abs(tz - bmax) < Math.abs(tz - bmin) ? bmax - eps : bmin + eps;
          insufficient = false;
        } else insufficient = true;
      } else insufficient = false;
      const fz = this.evaluateAt(t, f, tz, gNew);
      const gtdz = dot(gNew, this.d);
      evals++;
      const high = 1 - low;
      const slot = (k: number): void => {
        bt[k] = tz;
        bf[k] = fz;
        bgtd[k] = gtdz;
        (k === 0 ? gA : gB).set(gNew);
      };
      if (fz > f0 + c1 * tz * gtd || fz >= bf[low]!) {
        slot(high);
      } else {
        if (Math.abs(gtdz) <= -c2 * gtd) done = true;
        else if (gtdz * (bt[high]! - bt[low]!) >= 0) {
          bt[high] = bt[low]!;
          bf[high] = bf[low]!;
          bgtd[high] = bgtd[low]!;
          (high === 0 ? gA : gB).set(low === 0 ? gA : gB);
        }
        slot(low);
      }
      low = bf[0]! <= bf[1]! ? 0 : 1;
    }
    if (!(bf[low]! < f0) && bt[low] === 0) return { loss: f0, step: 0 };
    this.g.set(low === 0 ? gA : gB);
    return { loss: bf[low]!, step: bt[low]! };
  }

  /** The iteration's part of a serializable state: [x, g, [loss, last step]] in compact form. */
  protected baseState(t: Trainables): number[][] {
    return [t.packVector(this.x), t.packVector(this.g), [this.loss, this.t]];
  }

  /** Restores baseState()'s buffers, already checked (see checkResume). */
  protected restoreBase(st: OptimizerState, t: Trainables): void {
    this.iterations = st.t;
    t.unpackVector(st.buffers[0]!, this.x);
    t.unpackVector(st.buffers[1]!, this.g);
    const [loss, step] = st.buffers[2]!;
    this.loss = loss === null || loss === undefined ? NaN : loss;
    this.t = step ?? 0;
  }

  /** Serializable state, vectors in compact form. */
  abstract state(t: Trainables): OptimizerState;
  /** Restores a state() already checked against these options (see checkResume). */
  abstract restore(st: OptimizerState, t: Trainables): void;
  /**
   * The objective changed (resampled points): the loss and gradient at x are evaluated
   * again at the next step; the curvature information is kept.
   */
  objectiveChanged(): void {
    this.loss = NaN;
    this.gradientReplaced();
  }

  /** g was evaluated anew (not by a line search step the method recorded). */
  protected gradientReplaced(): void {}

  /** Returns WebAssembly memory the method holds. */
  dispose(): void {}
}
