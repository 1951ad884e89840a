// What the first-order optimizers (sgd.ts, adam.ts) share: their state buffers (the
// network's part in WebAssembly memory, shaped like the flat parameters, updated there by
// assembly/optim.ts; the trainable scalars' part, a handful, here), and the step around
// their update: draw the batches, evaluate, clip, update, and undo an update that diverged.
import { allocReal, type Real } from '../base/dtype.js';
import type { FlatBuffer } from '../engine/parameter-store.js';
import type { JetfitError } from '../base/errors.js';
import type { OptimizerState, Optimizer, PhaseSettings, StateShape } from './definition.js';
import { checkCount, checkVector } from './definition.js';
import { checkFactor, type StepOutcome } from './guard.js';
import type { Objective, ParameterVector } from './objective.js';

/** An optimizer's state buffers (network part in WebAssembly memory, scalar part here): save, undo, serialize. */
export class StateBuffers {
  private readonly flat: FlatBuffer[];
  private readonly copies: Real[];
  private readonly scalarCopies: Float64Array[];
  /** each buffer's scalar part */
  readonly scalars: Float64Array[];
  constructor(
    private readonly t: ParameterVector,
    what: string[],
  ) {
    const store = t.store();
    this.flat = [];
    try {
      for (const w of what) this.flat.push(store.allocateFlat(w));
    } catch (e) {
      this.release();
      throw e;
    }
    this.copies = what.map(() => allocReal(t.dtype, t.flat));
    this.scalars = what.map(() => new Float64Array(t.values.length));
    this.scalarCopies = what.map(() => new Float64Array(t.values.length));
  }
  /** byte offset of buffer i */
  ptr(i: number): number {
    return this.flat[i]!.ptr;
  }
  private view(i: number): Real {
    this.t.store(); // refuses a disposed network
    return this.flat[i]!.view();
  }
  save(): void {
    this.flat.forEach((_, i) => {
      this.copies[i]!.set(this.view(i));
    });
    this.scalars.forEach((a, i) => {
      this.scalarCopies[i]!.set(a);
    });
  }
  restore(): void {
    this.flat.forEach((_, i) => {
      this.view(i).set(this.copies[i]!);
    });
    this.scalars.forEach((a, i) => {
      a.set(this.scalarCopies[i]!);
    });
  }
  serialize(): number[][] {
    return this.flat.map((_, i) => this.t.pack(this.view(i), this.scalars[i]!));
  }
  deserialize(buffers: readonly number[][]): void {
    this.flat.forEach((_, i) => {
      this.t.unpack(buffers[i]!, this.view(i), this.scalars[i]!);
    });
  }
  release(): void {
    for (const b of this.flat) b.release();
  }
}

/** A first-order update rule with a step count and state buffers, saved, undone, serialized. */
export abstract class FirstOrderRule {
  abstract readonly type: string;
  protected steps = 0;
  private savedSteps = 0;

  constructor(
    readonly lr: number,
    protected readonly buffers: StateBuffers,
  ) {}

  /** updates the parameters in place from their gradient with step size lr */
  abstract update(t: ParameterVector, lr: number): void;

  /** an error that must stop the step before the update (Adam's float32 overflow), or null */
  refuse(_t: ParameterVector, _step: number): JetfitError | null {
    return null;
  }

  /** buffers in compact form (see each rule) */
  state(): OptimizerState {
    return { type: this.type, t: this.steps, buffers: this.buffers.serialize() };
  }
  restore(s: OptimizerState): void {
    this.buffers.deserialize(s.buffers);
    this.steps = s.t;
  }
  snapshot(): void {
    this.buffers.save();
    this.savedSteps = this.steps;
  }
  rollback(): void {
    this.buffers.restore();
    this.steps = this.savedSteps;
  }
  dispose(): void {
    this.buffers.release();
  }
}

/** A first-order step: new batches, loss and gradient, clip, update; an update that diverged is undone. */
export class FirstOrderStepper implements Optimizer {
  /** the parameters before this phase's last update */
  private readonly snapshot: Float64Array;
  private haveSnapshot = false;

  constructor(
    private readonly rule: FirstOrderRule,
    private readonly objective: Objective,
    private readonly phase: PhaseSettings,
  ) {
    this.snapshot = new Float64Array(objective.parameters.size);
  }

  step(phaseStep: number, step: number): StepOutcome {
    const { objective, rule, phase } = this;
    const t = objective.parameters;
    const lr = rule.lr * checkFactor(phase.lrFactor(phaseStep, phase.steps), step, phase.where);
    objective.advance();
    const loss = objective.evaluate();
    if (!Number.isFinite(loss)) {
      // the parameters whose loss was the last finite one: before the previous update
      if (this.haveSnapshot) this.undo();
      return { diverged: 'loss' };
    }
    if (phase.clip > 0) {
      const g = t.gradientNorm();
      if (g > phase.clip) t.scaleGradient(phase.clip / g);
    }
    const refused = rule.refuse(t, step);
    if (refused) throw refused;
    t.save(this.snapshot);
    rule.snapshot();
    this.haveSnapshot = true;
    rule.update(t, lr);
    if (!t.finite()) {
      this.undo();
      return { diverged: 'gradient-or-update', update: `'${rule.type}' with learning rate ${lr}` };
    }
    t.commit();
    return { loss, lr, end: null };
  }

  private undo(): void {
    this.objective.parameters.load(this.snapshot);
    this.rule.rollback();
  }

  state(): OptimizerState {
    return this.rule.state();
  }
  restore(s: OptimizerState): void {
    this.rule.restore(s);
  }
  dataChanged(): void {}
  dispose(): void {
    this.rule.dispose();
  }
}

/** Checks a first-order state: one compact vector per buffer; `moments` marks those that must be ≥ 0. */
export function checkBuffers(buffers: unknown[], moments: readonly boolean[], type: string, shape: StateShape, what: string): void {
  checkCount(buffers, moments.length, type, what);
  moments.forEach((nonNegative, i) => {
    checkVector(buffers[i], shape.n, `${what}.buffers[${i}]`, shape.float32, nonNegative);
  });
}
