// The divergence guard every optimizer shares. A step is kept only when its loss, its
// gradient and the parameters after its update are all finite. An optimizer that meets a
// non-finite value puts back the last good parameters itself (which ones are good depends
// on the method: before the last update, or where the step started) and reports the
// divergence as a step outcome; `checkOutcome` turns it into the one error message:
// which term's loss or gradient, the schedule, or the update itself.
import { FLOAT32_MAX, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Objective, ParameterVector } from './objective.js';

const KEEP = 'training stopped and the network keeps the parameters of the last good step';

/** Why a phase ends before its last step: a tolerance met, or no decrease found. */
export type PhaseEnd = 'converged' | 'line-search-failed' | null;

/** A kept step: its loss, its learning rate (or damping), and why the phase should end, if it should. */
export interface StepResult {
  readonly loss: number;
  readonly lr: number;
  readonly end: PhaseEnd;
}

/**
 * A step that could not be kept (the last good parameters already put back): the loss was
 * not finite, or the gradient or the update was not (`update` says what made it).
 */
export type Divergence = { readonly diverged: 'loss' } | { readonly diverged: 'gradient-or-update'; readonly update: string };

/** What one optimizer step did. */
export type StepOutcome = StepResult | Divergence;

/** The step's result, or the error that names why it could not be kept. */
export function checkOutcome(outcome: StepOutcome, objective: Objective, step: number): StepResult {
  if (!('diverged' in outcome)) return outcome;
  throw outcome.diverged === 'loss' ? lossError(objective, step) : gradientOrUpdateError(objective, step, outcome.update);
}

/** The schedule's factor at a step, or an error: it must be finite and ≥ 0 (a negative one would climb the loss). */
export function checkFactor(factor: unknown, step: number, where: string): number {
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) {
    throw new JetfitError(
      `${where}.schedule: the learning-rate factor at step ${step} is ${describe(factor)}; expected a finite number ≥ 0. ${KEEP}`,
    );
  }
  return factor;
}

/** A loss that is not finite: names the first term whose value is not. */
function lossError(objective: Objective, step: number): JetfitError {
  const names = objective.termNames,
    values = objective.termValues;
  const bad = names.find((k) => !Number.isFinite(values[k])) ?? names[0]!;
  return new JetfitError(
    `fit: the loss became ${values[bad]} at step ${step} in term '${bad}'; ${KEEP}. ` +
      `Lower the learning rate, clip gradients (clipNorm), or check the data of '${bad}'`,
  );
}

/** The first term whose gradient alone is not finite, else the update is to blame. */
function gradientOrUpdateError(objective: Objective, step: number, update: string): JetfitError {
  const culprit = objective.gradientCulprit();
  if (culprit) {
    const { term, loss, value } = culprit;
    return new JetfitError(
      `fit: the gradient became ${value} at step ${step} in term '${term}' (its loss was ` +
        `${loss}); ${KEEP}. A function without a finite derivative where it is evaluated (sqrt or abs at 0, log at 0) ` +
        `or a float32 overflow gives this: check the loss of '${term}', or use dtype 'float64'`,
    );
  }
  return new JetfitError(
    `fit: the update at step ${step} made the parameters non-finite (${update}); ${KEEP}. ` +
      'Lower the learning rate or clip gradients (clipNorm)',
  );
}

/**
 * float32 Adam squares the gradient into its second moment: past √(float32 max) ≈ 1.8e19
 * the square is Infinity and the update silently becomes zero. Refused with the remedy.
 */
export function adamOverflowError(t: ParameterVector, step: number): JetfitError | null {
  const g = t.gradientMaxAbs();
  // a non-finite gradient is the update check's to report (it names the term)
  if (!Number.isFinite(g) || !(g * g > FLOAT32_MAX)) return null;
  return new JetfitError(
    `fit: Adam's second moment overflows float32 at step ${step}: the gradient reaches |g| = ${g.toExponential(2)}, ` +
      `whose square is beyond float32's range (${FLOAT32_MAX.toExponential(2)}), so the update would silently stop; ${KEEP}. ` +
      "Clip the gradient (clipNorm), scale the loss down, or use dtype 'float64'",
  );
}
