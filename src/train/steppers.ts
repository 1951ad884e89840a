// One phase's optimizer driving whole steps: sample the batches, evaluate the loss and its
// gradient, apply the step guard (guard.ts), update the parameters, or put back the last
// good ones. A first-order step is one update; a quasi-Newton step (L-BFGS, dense BFGS and
// the self-scaled methods) is one iteration with its line search (it may end the phase: a
// tolerance met, or no decrease found).
import type { Mlp } from '../engine/mlp.js';
import type { Phase } from './fit-options.js';
import { adamOverflowError, checkFactor, gradientOrUpdateError, lossError } from './guard.js';
import { DenseQuasiNewton } from './dense-quasi-newton.js';
import { Lbfgs } from './lbfgs.js';
import { LmStepper } from './levenberg-marquardt.js';
import { isQuasiNewton, type ResolvedQuasiNewton } from './optimizer-options.js';
import { firstOrder, type FirstOrder, type OptimizerState } from './optimizers.js';
import type { QuasiNewton, QuasiNewtonStop } from './quasi-newton.js';
import type { Term } from './term.js';
import type { Trainables } from './trainables.js';

/** What a step works on, shared by every phase of a run. */
export interface StepContext {
  readonly net: Mlp;
  readonly terms: readonly Term[];
  readonly names: readonly string[];
  /** each term's loss at the last evaluation (unweighted) */
  readonly termValues: Record<string, number>;
  readonly trainables: Trainables;
  /** loss and gradient of all terms on their current batches */
  readonly evaluate: () => number;
  /** the loss alone (no backward pass) */
  readonly value: () => number;
  /** room for one copy of every parameter (the last good ones) */
  readonly snapshot: Float64Array;
}

/** Why a phase ends before its last step: a quasi-Newton tolerance met, or its line search failed. */
export type PhaseEnd = Extract<QuasiNewtonStop, 'converged' | 'line-search-failed'> | null;

/** A step's loss and learning rate, and (quasi-Newton) why the phase should end. */
export interface StepResult {
  loss: number;
  lr: number;
  end: PhaseEnd;
}

/** One phase's optimizer. */
export interface Stepper {
  /** step `phaseStep` of the phase, the run's step `step` (for messages) */
  step(phaseStep: number, step: number): StepResult;
  state(): OptimizerState;
  /** restores a state checked by checkResume */
  restore(s: OptimizerState): void;
  /** the objective changed (a term's points were resampled): values at the current point are stale */
  dataChanged(): void;
  /** returns the optimizer's WebAssembly buffers */
  dispose(): void;
}

class FirstOrderStepper implements Stepper {
  private readonly opt: FirstOrder;
  private readonly adam32: boolean;
  /** whether `snapshot` holds the parameters before this phase's last update */
  private haveSnapshot = false;

  constructor(
    private readonly ph: Phase,
    private readonly c: StepContext,
  ) {
    this.opt = firstOrder(ph.opt as Parameters<typeof firstOrder>[0], c.trainables);
    this.adam32 = c.net.dtype === 'float32' && (ph.opt.type === 'adam' || ph.opt.type === 'adamw');
  }

  step(phaseStep: number, step: number): StepResult {
    const { c, ph, opt } = this;
    const t = c.trainables;
    const lr = ph.opt.lr * checkFactor(ph.lr(phaseStep, ph.steps), step, ph.where);
    for (const term of c.terms) term.advance();
    const loss = c.evaluate();
    if (!Number.isFinite(loss)) {
      // the parameters whose loss was the last finite one: before the previous update
      if (this.haveSnapshot) {
        t.load(c.snapshot);
        opt.rollback();
      }
      throw lossError(c.names, c.termValues, step);
    }
    if (ph.clip > 0) {
      const g = t.gradientNorm();
      if (g > ph.clip) t.scaleGradient(ph.clip / g);
    }
    if (this.adam32) {
      const e = adamOverflowError(t, step);
      if (e) throw e;
    }
    t.save(c.snapshot);
    opt.snapshot();
    this.haveSnapshot = true;
    opt.step(t, lr);
    if (!t.finite()) {
      t.load(c.snapshot);
      opt.rollback();
      throw gradientOrUpdateError(c.net, c.terms, t, step, `'${ph.opt.type}' with learning rate ${lr}`);
    }
    t.commit();
    return { loss, lr, end: null };
  }

  state(): OptimizerState {
    return this.opt.state();
  }
  restore(s: OptimizerState): void {
    this.opt.restore(s);
  }
  dataChanged(): void {}
  dispose(): void {
    this.opt.dispose();
  }
}

class QuasiNewtonStepper implements Stepper {
  private readonly method: QuasiNewton;

  constructor(
    private readonly ph: Phase,
    private readonly c: StepContext,
  ) {
    const o = ph.opt as ResolvedQuasiNewton;
    this.method = o.type === 'lbfgs' ? new Lbfgs(o, c.trainables.size) : new DenseQuasiNewton(o, c.trainables, `${ph.where}.optimizer`);
  }

  step(_phaseStep: number, step: number): StepResult {
    const { c } = this;
    const t = c.trainables;
    t.save(c.snapshot);
    const r = this.method.step(t, c.evaluate);
    if (r.stop === 'non-finite-loss') {
      t.load(c.snapshot);
      throw lossError(c.names, c.termValues, step);
    }
    if (r.stop === 'non-finite-gradient' || !t.finite()) {
      t.load(c.snapshot);
      throw gradientOrUpdateError(c.net, c.terms, t, step, `a '${this.ph.opt.type}' step`);
    }
    return { loss: r.loss, lr: this.ph.opt.lr, end: r.stop };
  }

  state(): OptimizerState {
    return this.method.state(this.c.trainables);
  }
  restore(s: OptimizerState): void {
    this.method.restore(s, this.c.trainables);
  }
  dataChanged(): void {
    this.method.objectiveChanged();
  }
  dispose(): void {
    this.method.dispose();
  }
}

/** The stepper of a phase's optimizer. */
export function stepperFor(ph: Phase, c: StepContext): Stepper {
  if (ph.opt.type === 'lm') return new LmStepper(ph, c);
  return isQuasiNewton(ph.opt) ? new QuasiNewtonStepper(ph, c) : new FirstOrderStepper(ph, c);
}
