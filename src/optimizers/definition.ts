// What an optimizer is to the rest of the library: one definition object holding its
// option keys, their checks and defaults, what it needs of the batches and of the
// objective, its stepper, and the check of its saved state. registry.ts lists them; the
// type of fit's `optimizer` option is derived from that list, so a definition that lacks
// a piece does not compile.
import { checkNumbers } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { StepOutcome } from './guard.js';
import type { Objective } from './objective.js';

/**
 * Serializable optimizer state. Buffers are in compact form (the network's real
 * parameters in getParams() order, then the trainable scalars); see each optimizer.
 */
export interface OptimizerState {
  type: string;
  t: number;
  buffers: number[][];
}

/** Checked options: every optimizer has a type and a learning rate (the history's lr column). */
export interface ResolvedOptions {
  readonly type: string;
  readonly lr: number;
}

/** The phase an optimizer runs in, as far as it concerns the optimizer. */
export interface PhaseSettings {
  /** where its options came from, for messages: 'fit' or 'phases[i]' */
  readonly where: string;
  /** the phase's length in steps */
  readonly steps: number;
  /** the learning-rate schedule's factor at a step of the phase (first-order optimizers) */
  readonly lrFactor: (phaseStep: number, steps: number) => number;
  /** the global gradient-norm clip, 0 for none (first-order optimizers) */
  readonly clip: number;
}

/** One phase's optimizer at work. */
export interface Optimizer {
  /** step `phaseStep` of the phase, the run's step `step` (for messages) */
  step(phaseStep: number, step: number): StepOutcome;
  state(): OptimizerState;
  /** restores a state checked by the definition's checkState */
  restore(s: OptimizerState): void;
  /** the objective changed (a term's points were resampled): values at the current point are stale */
  dataChanged(): void;
  /** returns the optimizer's WebAssembly buffers */
  dispose(): void;
}

/** The saved state's checks get the sizes of this run. */
export interface StateShape {
  /** compact length of the parameter vector */
  readonly n: number;
  /** whether the network is float32 (its parameters must fit) */
  readonly float32: boolean;
  /** the parameters the state is resumed at, compact (the saved network's, then the scalars): a saved iterate must equal them */
  readonly iterate: readonly number[];
}

/** One optimizer (or a family sharing code, one definition per type name). */
export interface OptimizerDefinition<Options extends { type: string }, Resolved extends ResolvedOptions> {
  /** how messages name it: 'L-BFGS', "'lm'" */
  readonly label: string;
  /** the keys its options may have, `type` included */
  readonly keys: readonly (keyof Options & string)[];
  /** checks every option (the keys already checked) and fills in the defaults; `where` names the options */
  resolve(options: Partial<Options>, where: string): Resolved;
  /** how it chooses its steps when it takes no learning-rate schedule or clipNorm ('by line search'); null for first-order methods */
  readonly ownSteps: string | null;
  /** whether it needs every term's full batch */
  readonly fullBatch: boolean;
  /** what it asks of the objective: the gradient, or the residuals and their Jacobian */
  readonly needs: 'gradient' | 'residuals';
  /** refuses, before anything changes, a problem it cannot take (too large, not a sum of squares) */
  preflight(options: Resolved, objective: Objective, where: string): void;
  /** its stepper for one phase */
  create(options: Resolved, objective: Objective, phase: PhaseSettings): Optimizer;
  /**
   * Checks a saved state's buffers (an array; type and step count already checked) against
   * these options and sizes, naming the field (`what` is 'resume.optimizer'); writes nothing.
   */
  checkState(buffers: unknown[], options: Resolved, shape: StateShape, what: string): void;
}

/** The options type of a definition. */
export type OptionsOf<D> = D extends OptimizerDefinition<infer O, infer _R> ? O : never;
/** The checked options type of a definition. */
export type ResolvedOf<D> = D extends OptimizerDefinition<infer _O, infer R> ? R : never;

/** A vector of a saved state: `length` finite numbers (float32-representable when `float32`). */
export function checkVector(v: unknown, length: number, what: string, float32: boolean, nonNegative = false): void {
  checkNumbers(v, length, what, 'compact form', float32);
  const a = v as ArrayLike<number>;
  for (let i = 0; nonNegative && i < length; i++) {
    if (a[i]! < 0) throw new JetfitError(`${what}: entry ${i} is ${a[i]}; expected ≥ 0 (a second moment)`);
  }
}

/** A saved state's buffer count. */
export function checkCount(buffers: unknown[], count: number, type: string, what: string): void {
  if (buffers.length !== count) throw new JetfitError(`${what}.buffers: expected ${count} buffers for '${type}', got ${buffers.length}`);
}
