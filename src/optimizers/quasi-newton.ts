// The iteration shared by the quasi-Newton optimizers (L-BFGS in lbfgs.ts, dense BFGS and
// the self-scaled updates in dense-quasi-newton.ts), for full-batch objectives: a direction
// d = −H·g from the method's inverse-Hessian approximation H, a strong-Wolfe line search
// with cubic interpolation (Nocedal & Wright, algorithms 3.5 and 3.6), then the method's
// update from the curvature pair s = x₊ − x, y = g₊ − g. Vectors are float64 copies of
// all trainables (flat layout), allocated once.
import { show } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Optimizer, OptimizerState, StateShape } from './definition.js';
import { checkVector } from './definition.js';
import type { StepOutcome } from './guard.js';
import { LineSearch } from './line-search.js';
import type { Objective, ParameterVector } from './objective.js';
import { dot, maxAbs } from './vectors.js';

/** Evaluates the loss at the parameters' current values and fills their gradient. */
type Evaluate = () => number;

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
  private readonly search: LineSearch;
  protected readonly x: Float64Array;
  protected readonly g: Float64Array;
  protected readonly gPrev: Float64Array;
  protected readonly d: Float64Array;
  private readonly trial: Float64Array;
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
    this.search = new LineSearch(n, o.maxLineSearch, o.toleranceChange);
    const v = (): Float64Array => new Float64Array(n);
    this.x = v();
    this.g = v();
    this.gPrev = v();
    this.d = v();
    this.trial = v();
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
  private evaluateAt(t: ParameterVector, f: Evaluate, step: number, grad: Float64Array): number {
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
  step(t: ParameterVector, f: Evaluate): { loss: number; stop: QuasiNewtonStop } {
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

  /** The strong-Wolfe line search along d from x (value this.loss, slope gtd); leaves the gradient in g. */
  private lineSearch(t: ParameterVector, f: Evaluate, step0: number, gtd: number): { loss: number; step: number } {
    this.point = t;
    this.evaluate = f;
    return this.search.search(this.valueAt, this.d, this.g, this.loss, gtd, step0);
  }
  private point: ParameterVector | null = null;
  private evaluate: Evaluate | null = null;
  private readonly valueAt = (step: number, grad: Float64Array): number => this.evaluateAt(this.point!, this.evaluate!, step, grad);

  /** The iteration's part of a serializable state: [x, g, [loss, last step]] in compact form. */
  protected baseState(t: ParameterVector): number[][] {
    return [t.packVector(this.x), t.packVector(this.g), [this.loss, this.t]];
  }

  /** Restores baseState()'s buffers, already checked (see checkResume). */
  protected restoreBase(st: OptimizerState, t: ParameterVector): void {
    this.iterations = st.t;
    t.unpackVector(st.buffers[0]!, this.x);
    t.unpackVector(st.buffers[1]!, this.g);
    const [loss, step] = st.buffers[2]!;
    this.loss = loss === null || loss === undefined ? NaN : loss;
    this.t = step ?? 0;
  }

  /** Serializable state, vectors in compact form. */
  abstract state(t: ParameterVector): OptimizerState;
  /** Restores a state() already checked against these options (see checkResume). */
  abstract restore(st: OptimizerState, t: ParameterVector): void;
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

/** One quasi-Newton iteration a step; a loss, gradient or update that is not finite puts back where the step started. */
export class QuasiNewtonStepper implements Optimizer {
  private readonly start: Float64Array;
  private readonly evaluate: Evaluate;

  constructor(
    private readonly method: QuasiNewton,
    private readonly objective: Objective,
    private readonly type: string,
  ) {
    this.start = new Float64Array(objective.parameters.size);
    this.evaluate = () => objective.evaluate();
  }

  step(): StepOutcome {
    const t = this.objective.parameters;
    t.save(this.start);
    const r = this.method.step(t, this.evaluate);
    if (r.stop === 'non-finite-loss') {
      t.load(this.start);
      return { diverged: 'loss' };
    }
    if (r.stop === 'non-finite-gradient' || !t.finite()) {
      t.load(this.start);
      return { diverged: 'gradient-or-update', update: `a '${this.type}' step` };
    }
    return { loss: r.loss, lr: this.method.lr, end: r.stop };
  }

  state(): OptimizerState {
    return this.method.state(this.objective.parameters);
  }
  /**
   * Restores a checked state, then recomputes the loss at the restored parameters: a saved
   * loss that is not the problem's (another problem's state, or a changed one) is refused
   * rather than trusted by the next line search.
   */
  restore(s: OptimizerState): void {
    const saved = s.buffers[2]![0];
    if (typeof saved === 'number' && Number.isFinite(saved)) {
      const recomputed = this.objective.value();
      const tolerance =
        (this.objective.parameters.dtype === 'float32' ? 1e-4 : 1e-8) * Math.max(Math.abs(saved), Math.abs(recomputed), 1e-300);
      if (!(Math.abs(recomputed - saved) <= tolerance)) {
        throw new JetfitError(
          `resume.optimizer.buffers[2]: the saved loss is ${saved}, the loss recomputed at the saved parameters is ${recomputed}; ` +
            'the state belongs to another problem (other points, terms or weights) or was changed',
        );
      }
    }
    this.method.restore(s, this.objective.parameters);
  }
  dataChanged(): void {
    this.method.objectiveChanged();
  }
  dispose(): void {
    this.method.dispose();
  }
}

/** Checks the iterate of a saved state: x, g and [loss, last step] (baseState's buffers). */
export function checkIterate(b: unknown[], shape: StateShape, what: string): void {
  checkVector(b[0], shape.n, `${what}.buffers[0]`, shape.float32);
  checkVector(b[1], shape.n, `${what}.buffers[1]`, false);
  const ls = b[2];
  const num = (v: unknown): boolean => v === null || (typeof v === 'number' && (Number.isFinite(v) || Number.isNaN(v)));
  if (!Array.isArray(ls) || ls.length !== 2 || !num(ls[0]) || !(typeof ls[1] === 'number' && Number.isFinite(ls[1]))) {
    throw new JetfitError(`${what}.buffers[2]: expected [loss, last step], got ${show(ls)}`);
  }
  // once the method has a loss, its iterate is where the saved run stood: the saved
  // parameters, or the state belongs to another run (before that, x is not yet set)
  const x = b[0] as readonly number[];
  for (let i = 0; typeof ls[0] === 'number' && Number.isFinite(ls[0]) && i < shape.n; i++) {
    const want = shape.iterate[i]!;
    if (x[i] !== want && !(shape.float32 && Math.fround(x[i]!) === Math.fround(want)))
      throw new JetfitError(
        `${what}.buffers[0]: the saved iterate differs from resume.params and resume.scalars at entry ${i} (${x[i]} against ${want}); a state resumes only at the parameters it was saved with`,
      );
  }
}
